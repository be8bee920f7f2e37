package parse_test

import (
	"fmt"

	"github.com/iq-search/iq/ingest/parse"
)

func ExampleMarkdown() {
	src := []byte("#### **Beginner:**\n\n1. **What is FastAPI?**\n   - A web framework.\n   ```python\n   app = FastAPI()\n   ```\n")
	blocks, err := parse.Markdown(src)
	if err != nil {
		panic(err)
	}
	for _, b := range blocks {
		fmt.Printf("%d %s depth=%d number=%d strong=%v lang=%q %q\n", b.Line, b.Kind, b.Depth, b.Number, b.Strong, b.Lang, b.Text)
	}
	// Output:
	// 1 heading depth=4 number=0 strong=true lang="" "Beginner:"
	// 3 list-item depth=1 number=1 strong=true lang="" "What is FastAPI?"
	// 4 list-item depth=2 number=0 strong=false lang="" "A web framework."
	// 5 code depth=1 number=0 strong=false lang="python" "app = FastAPI()"
}

func ExampleHTML() {
	src := []byte(`<div class="content">
<section class="toggle">
<label>What is JDBC?</label>
<div class="toggle-content"><p>Java Database Connectivity.</p></div>
</section>
<ins class="adsbygoogle"></ins>
</div>`)
	blocks, err := parse.HTML(src)
	if err != nil {
		panic(err)
	}
	for _, b := range blocks {
		fmt.Printf("%d %s role=%q %q %v\n", b.Line, b.Kind, b.Role, b.Text, b.Context)
	}
	// Output:
	// 3 paragraph role="question" "What is JDBC?" [div div.content section section.toggle label]
	// 4 paragraph role="answer" "Java Database Connectivity." [div div.content section section.toggle div.toggle-content p]
	// 6 paragraph role="" "" [div div.content ins ins.adsbygoogle ad]
}
