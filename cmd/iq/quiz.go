package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
	"github.com/iq-search/iq/study"
)

type quizOptions struct {
	indexDir string
	filters  map[string]*[]string
	n        int
	seed     uint64
	seedSet  bool
	progress string
}

func newQuizCmd(a *app) *cobra.Command {
	opts := &quizOptions{}
	cmd := &cobra.Command{
		Use:   "quiz",
		Short: "Practise: questions one at a time, the answer on a key press",
		Long: `Ask questions one at a time: a key shows the answer, then y or n says whether you
knew it. What you missed comes back sooner in later runs (Leitner boxes), kept in
progress.json under $XDG_STATE_HOME/iq, or the user config directory's iq/.
Filters choose the questions as iq search's do; near-duplicates are asked once.`,
		Example: `  iq quiz -t fastapi -n 5
  iq quiz -l beginner --seed 42`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.seedSet = cmd.Flags().Changed("seed")
			return runQuiz(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.indexDir)
	opts.filters = addFacetFlags(cmd, &opts.indexDir)
	f.IntVarP(&opts.n, "number", "n", 10, "ask `N` questions")
	f.Uint64Var(&opts.seed, "seed", 0, "draw the questions with seed `S` (the same seed, the same questions)")
	f.StringVar(&opts.progress, "progress", "", "keep progress in `FILE` (default: iq/progress.json in the state directory)")
	return cmd
}

func runQuiz(ctx context.Context, a *app, opts *quizOptions) error {
	if opts.n < 1 {
		return usageError{fmt.Errorf("quiz: -n %d, want 1 or more", opts.n)}
	}
	req, err := query.ParseRequest(filterValues(opts.filters))
	if err != nil {
		return usageError{err}
	}
	path := opts.progress
	if path == "" {
		if path, err = study.DefaultPath(); err != nil {
			return err
		}
	}
	progress, err := study.Load(path)
	if err != nil {
		return err
	}
	out := newOutput(a, false)
	s, err := openSearcher(ctx, out, opts.indexDir)
	if err != nil {
		return err
	}
	defer s.Close()
	var ids []string
	if _, err := s.Stream(ctx, req, func(h query.Hit) error {
		ids = append(ids, h.ID)
		return nil
	}); err != nil {
		return callerError(err)
	}
	if len(ids) == 0 {
		out.warn("iq: no questions match")
		return errNoMatch
	}
	seed := opts.seed
	if !opts.seedSet {
		seed = uint64(time.Now().UnixNano())
	}
	picked := progress.Pick(ids, opts.n, rand.New(rand.NewPCG(seed, 0)))

	keys := newKeys(a.in)
	knew, asked := 0, 0
	for i, id := range picked {
		rec, err := s.Record(id)
		if err != nil {
			return err
		}
		if err := out.print(out.quizQuestion(rec, i+1, len(picked))); err != nil {
			return err
		}
		k, err := keys.read(out, "Any key shows the answer · q stops", "")
		if err != nil || k == 'q' {
			break
		}
		if err := out.print(out.quizAnswer(rec)); err != nil {
			return err
		}
		k, err = keys.read(out, "Did you know it? y · n · q stops", "ynq")
		if err != nil || k == 'q' {
			break
		}
		progress.Answer(id, k == 'y', time.Now())
		asked++
		if k == 'y' {
			knew++
		}
	}
	if err := progress.Save(path); err != nil {
		return err
	}
	fmt.Fprintf(out.w, "\nYou knew %d of %d. Progress kept in %s.\n", knew, asked, path)
	return nil
}

// quizQuestion renders a question as the quiz asks it.
func (o *output) quizQuestion(r record.Record, i, n int) string {
	st := o.styles
	head := fmt.Sprintf("Question %d of %d · %s", i, n, levelLabel(r.Level))
	if len(r.Topics) > 0 {
		head += " · " + strings.Join(r.Topics, ", ")
	}
	if o.mode != modeStyled {
		return "\n" + head + "\n" + r.Question + "\n"
	}
	return "\n" + st.Block(st.Muted.Render(head), 0) + "\n" + st.Block(st.Title.Render(r.Question), 0) + "\n"
}

// quizAnswer renders the answers of a question, or says there is none.
func (o *output) quizAnswer(r record.Record) string {
	var parts []string
	for i, a := range r.Answers {
		text := strings.TrimSpace(a.Text)
		if h := strings.TrimSpace(a.HowToAnswer); h != "" {
			text += "\nHow to answer: " + h
		}
		if len(r.Answers) > 1 {
			text = fmt.Sprintf("Answer %d of %d (%s):\n%s", i+1, len(r.Answers), sourceString(a.Source), text)
		}
		parts = append(parts, text)
	}
	if len(parts) == 0 {
		parts = []string{"(no answer in the sources)"}
	}
	text := strings.Join(parts, "\n\n")
	if o.mode != modeStyled {
		return "\n" + text + "\n"
	}
	return "\n" + o.styles.Block(text, 2) + "\n"
}

// keys reads one key at a time: on a terminal in raw mode, so a key press
// is enough; from a pipe or a file (a script, the tests), a line at a time,
// its first character being the key (an empty line is Enter).
type keys struct {
	in  *bufio.Reader
	fd  uintptr
	raw bool
}

func newKeys(in io.Reader) *keys {
	k := &keys{in: bufio.NewReader(in)}
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		k.fd, k.raw = f.Fd(), true
	}
	return k
}

// read shows prompt and returns the next key among valid (any key when
// valid is empty). The end of the input is q.
func (k *keys) read(o *output, prompt, valid string) (rune, error) {
	fmt.Fprint(o.w, o.styles.Muted.Render(prompt)+" ")
	for {
		r, err := k.next()
		if err == io.EOF {
			fmt.Fprintln(o.w)
			return 'q', nil
		}
		if err != nil {
			return 0, fmt.Errorf("read a key: %w", err)
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		if r == 3 || r == 4 { // Ctrl-C, Ctrl-D in raw mode
			r = 'q'
		}
		if valid == "" || strings.ContainsRune(valid, r) {
			fmt.Fprintln(o.w)
			return r, nil
		}
	}
}

func (k *keys) next() (rune, error) {
	if k.raw {
		old, err := term.MakeRaw(k.fd)
		if err != nil {
			return 0, err
		}
		defer term.Restore(k.fd, old)
		r, _, err := k.in.ReadRune()
		return r, err
	}
	line, err := k.in.ReadString('\n')
	if err != nil && line == "" {
		return 0, err
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return '\n', nil
	}
	return []rune(line)[0], nil
}
