package main

import (
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Text from the data (questions, answers, file names, facet values) can
// hold control characters and terminal escape sequences: ingested as is,
// decoded from &#27; in a saved page, or in a file's name. Printed raw they
// move the cursor, retitle the window, set the clipboard (OSC 52) or hide
// text (issue 16). iq shows them as text instead, the way less does: a C0
// control as ^ and a letter (ESC as ^[), DEL as ^?, a C1 control as
// <U+009B>. Tab and newline stay: they lay text out.
//
// This is done in one place, on the way out: every result a searching
// command prints goes through visibleValue before it is laid out, and the
// writers of styled and plain output and of warnings are visibleWriters.
// JSON is left alone: its encoder escapes control characters, and its
// bytes are the API's.

// visible returns s with its control characters shown as text.
func visible(s string) string {
	i := strings.IndexFunc(s, isControl)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if isControl(r) {
			b.WriteString(caret(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isControl reports a rune visible shows as text: C0 controls but tab and
// newline, DEL, and C1 controls (CSI is U+009B: an escape sequence in one
// rune on terminals that read C1).
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || 0x80 <= r && r <= 0x9f
}

func caret(r rune) string {
	switch {
	case r < 0x20:
		return "^" + string(rune(r+'@'))
	case r == 0x7f:
		return "^?"
	}
	return fmt.Sprintf("<U+%04X>", r)
}

// sgr matches a Select Graphic Rendition sequence: colours and bold, the
// only escape sequences lipgloss writes.
var sgr = regexp.MustCompile(`^\x1b\[[0-9;:]*m`)

// visibleWriter writes text with its control characters shown as text.
// When sgr is set (styled output), SGR sequences pass: they are lipgloss's,
// the data's having been shown as text already by visibleValue.
type visibleWriter struct {
	w   io.Writer
	sgr bool
}

func (v visibleWriter) Write(p []byte) (int, error) {
	if !v.hasControl(p) {
		return v.w.Write(p)
	}
	var b strings.Builder
	b.Grow(len(p) + 16)
	for i := 0; i < len(p); {
		if p[i] == 0x1b && v.sgr {
			if m := sgr.Find(p[i:]); m != nil {
				b.Write(m)
				i += len(m)
				continue
			}
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteByte(p[i]) // not UTF-8: a byte, not a C1 control
		} else if isControl(r) {
			b.WriteString(caret(r))
		} else {
			b.Write(p[i : i+size])
		}
		i += size
	}
	if _, err := io.WriteString(v.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// hasControl is the fast path: most writes hold no control character.
func (v visibleWriter) hasControl(p []byte) bool {
	for i, c := range p {
		if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f || c == 0xc2 && i+1 < len(p) && 0x80 <= p[i+1] && p[i+1] <= 0x9f {
			return true
		}
	}
	return false
}

// printResult prints res with print, its strings made visible first unless
// the output is JSON.
func printResult[T any](o *output, res T, print func(*output, T) error) error {
	if o.mode != modeJSON {
		res = visibleValue(res)
	}
	return print(o, res)
}

// visibleValue returns a deep copy of v with visible applied to every
// string in it: what a command prints, before it is styled, so that
// sequences in the data cannot pass for lipgloss's own.
func visibleValue[T any](v T) T {
	rv := reflect.ValueOf(&v).Elem()
	out := reflect.New(rv.Type()).Elem()
	copyVisible(out, rv)
	return out.Interface().(T)
}

func copyVisible(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.String:
		dst.SetString(visible(src.String()))
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		copyVisible(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		e := reflect.New(src.Elem().Type()).Elem()
		copyVisible(e, src.Elem())
		dst.Set(e)
	case reflect.Struct:
		dst.Set(src) // unexported fields as they are
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				copyVisible(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			copyVisible(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Array:
		for i := range src.Len() {
			copyVisible(dst.Index(i), src.Index(i))
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			k := reflect.New(src.Type().Key()).Elem()
			copyVisible(k, it.Key())
			e := reflect.New(src.Type().Elem()).Elem()
			copyVisible(e, it.Value())
			m.SetMapIndex(k, e)
		}
		dst.Set(m)
	default:
		dst.Set(src)
	}
}
