package record

// Technology is a technology that questions are asked about ("What is
// middleware in FastAPI?"), declared once here for every stage that tells
// technologies apart: dedup reads a word naming one as the context of a
// question, not its subject, and keeps questions about two technologies
// apart unless one is Within the other; ingest's default taxonomy marks
// each Topic (its test checks that the two agree).
type Technology struct {
	// Name is the technology's name as dedup reports it, lower case.
	Name string
	// Names are the ways questions write it, Name first, lower case:
	// spellings and short forms ("golang", "k8s"), not the tools and
	// concepts that only suggest it (a taxonomy's "goroutine*").
	Names []string
	// Within is the technology it belongs to (PostgreSQL within SQL,
	// React within JavaScript), "" for none: a question about it and one
	// about the wider one can be the same question.
	Within string
	// Topic is the slug of the default taxonomy's topic for this
	// technology, "" when it has none of its own (AWS is in "cloud",
	// jQuery in none).
	Topic string
}

// Technologies are the technologies iq tells apart: first those that are
// topics of ingest's default taxonomy, then common technologies interview
// banks ask about. Where two entries share a name, the later one has it.
var Technologies = []Technology{
	{Name: "fastapi", Names: []string{"fastapi"}, Within: "python", Topic: "fastapi"},
	{Name: "python", Names: []string{"python", "python3"}, Topic: "python"},
	{Name: "django", Names: []string{"django"}, Within: "python", Topic: "django"},
	{Name: "flask", Names: []string{"flask"}, Within: "python", Topic: "flask"},
	{Name: "go", Names: []string{"go", "golang"}, Topic: "go"},
	{Name: "javascript", Names: []string{"javascript", "js", "ecmascript", "es6", "es2015", "vanilla"}, Topic: "javascript"},
	{Name: "typescript", Names: []string{"typescript", "ts"}, Within: "javascript", Topic: "typescript"},
	{Name: "react", Names: []string{"react", "reactjs", "react.js"}, Within: "javascript", Topic: "react"},
	{Name: "nextjs", Names: []string{"nextjs", "next.js"}, Within: "react", Topic: "nextjs"},
	{Name: "node", Names: []string{"node", "node.js", "nodejs"}, Within: "javascript", Topic: "node"},
	{Name: "graphql", Names: []string{"graphql"}, Topic: "graphql"},
	{Name: "sql", Names: []string{"sql", "t-sql", "tsql"}, Within: "database", Topic: "sql"},
	{Name: "postgresql", Names: []string{"postgresql", "postgres"}, Within: "sql", Topic: "postgresql"},
	{Name: "mongodb", Names: []string{"mongodb", "mongo"}, Within: "database", Topic: "mongodb"},
	{Name: "neondb", Names: []string{"neondb", "neon"}, Within: "postgresql", Topic: "neondb"},
	{Name: "docker", Names: []string{"docker"}, Topic: "docker"},
	{Name: "kubernetes", Names: []string{"kubernetes", "k8s"}, Topic: "kubernetes"},
	{Name: "java", Names: []string{"java", "corejava"}, Topic: "java"},
	{Name: "hibernate", Names: []string{"hibernate"}, Within: "java", Topic: "hibernate"},
	{Name: "spring", Names: []string{"spring"}, Within: "java", Topic: "spring"},
	{Name: "html", Names: []string{"html", "html5"}, Topic: "html"},
	{Name: "css", Names: []string{"css", "css3"}, Topic: "css"},
	{Name: "angular", Names: []string{"angular"}, Within: "javascript", Topic: "angular"},
	{Name: "vue", Names: []string{"vue", "vue.js", "vuejs"}, Within: "javascript", Topic: "vue"},
	{Name: "express", Names: []string{"express", "express.js", "expressjs"}, Within: "node"},
	{Name: "linux", Names: []string{"linux", "unix"}, Topic: "linux"},
	{Name: "bash", Names: []string{"bash", "shell"}, Within: "linux", Topic: "shell"},
	{Name: "git", Names: []string{"git"}, Topic: "git"},
	{Name: "aws", Names: []string{"aws"}},
	{Name: "azure", Names: []string{"azure"}},
	{Name: "ansible", Names: []string{"ansible"}, Topic: "ansible"},
	{Name: "terraform", Names: []string{"terraform"}, Topic: "terraform"},
	{Name: "jenkins", Names: []string{"jenkins"}},
	{Name: "redis", Names: []string{"redis"}, Within: "database"},
	{Name: "mysql", Names: []string{"mysql"}, Within: "sql"},
	{Name: "rust", Names: []string{"rust"}, Topic: "rust"},
	{Name: "c++", Names: []string{"c++"}, Topic: "c++"},
	{Name: "c#", Names: []string{"c#"}, Topic: "c#"},
	{Name: "php", Names: []string{"php"}, Topic: "php"},
	{Name: "ruby", Names: []string{"ruby"}, Topic: "ruby"},
	{Name: "kotlin", Names: []string{"kotlin"}, Topic: "kotlin"},
	{Name: "swift", Names: []string{"swift"}},
	{Name: "jquery", Names: []string{"jquery"}, Within: "javascript"},
	{Name: "sqlalchemy", Names: []string{"sqlalchemy"}, Within: "python"},
	{Name: "jest", Names: []string{"jest"}, Within: "javascript"},
	{Name: "database", Names: []string{"database", "db", "rdbms"}, Topic: "databases"},
}
