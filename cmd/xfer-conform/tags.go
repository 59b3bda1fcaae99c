package main

import (
	"fmt"
	"strings"
	"unicode"

	tagexpressions "github.com/cucumber/tag-expressions/go/v6"
)

// tagExpr is a parsed --tags expression. The syntax is Cucumber's tag
// expressions ("@ringcentral and not (@faults or @simulator)"). The older
// godog form that earlier docs used ("@ringcentral && ~@faults", "," for
// or) still works: an expression with "&&", "," or "~" is read in that
// form, where "," binds tighter than "&&", and translated.
type tagExpr struct {
	source, cucumber string
	eval             tagexpressions.Evaluatable
}

// tagSyntaxError is a --tags syntax error at a 1-based column.
type tagSyntaxError struct {
	expr   string
	column int
	what   string
}

func (e *tagSyntaxError) Error() string {
	return fmt.Sprintf("--tags %q: syntax error at column %d: %s\n  %s\n  %s^", e.expr, e.column, e.what, e.expr, strings.Repeat(" ", e.column-1))
}

// parseTags parses a --tags expression; "" selects everything.
func parseTags(expr string) (*tagExpr, error) {
	t := &tagExpr{source: expr, cucumber: expr}
	if strings.TrimSpace(expr) == "" {
		t.cucumber = ""
	} else if isLegacyTags(expr) {
		c, err := translateLegacy(expr)
		if err != nil {
			return nil, err
		}
		t.cucumber = c
	} else if err := checkCucumberTags(expr, expr, 0); err != nil {
		return nil, err
	}
	eval, err := tagexpressions.Parse(t.cucumber)
	if err != nil {
		return nil, fmt.Errorf("--tags %q: %v", expr, err)
	}
	t.eval = eval
	return t, nil
}

// and joins another expression (a --vendor or --integration filter).
func (t *tagExpr) and(expr string) *tagExpr {
	c := expr
	if t.cucumber != "" {
		c = "(" + t.cucumber + ") and " + expr
	}
	eval, err := tagexpressions.Parse(c)
	if err != nil {
		panic(fmt.Sprintf("joining tag expressions %q: %v", c, err))
	}
	return &tagExpr{source: strings.TrimSpace(t.source + " and " + expr), cucumber: c, eval: eval}
}

func (t *tagExpr) match(tags []string) bool { return t.eval.Evaluate(tags) }

func (t *tagExpr) String() string { return t.cucumber }

func isLegacyTags(expr string) bool {
	return strings.Contains(expr, "&&") || strings.ContainsAny(expr, ",~")
}

// translateLegacy turns "@a && ~@b,@c" into "(@a) and (not @b or @c)".
func translateLegacy(expr string) (string, error) {
	var groups []string
	start := 0
	for _, and := range strings.Split(expr, "&&") {
		var alts []string
		astart := start
		for _, alt := range strings.Split(and, ",") {
			term := strings.TrimSpace(alt)
			col := astart + len(alt) - len(strings.TrimLeft(alt, " \t")) + 1
			if term == "" {
				return "", &tagSyntaxError{expr, col, "expected a tag such as @ringcentral"}
			}
			neg := strings.HasPrefix(term, "~")
			if neg {
				term = strings.TrimSpace(term[1:])
				col++
				if term == "" {
					return "", &tagSyntaxError{expr, col, "expected a tag after ~"}
				}
			}
			if !strings.HasPrefix(term, "@") && !strings.ContainsAny(term, " ()") {
				term = "@" + term // godog's form matched tags without their @
			}
			if err := checkCucumberTags(expr, term, col-1); err != nil {
				return "", err
			}
			if neg {
				term = "not (" + term + ")"
			}
			alts = append(alts, term)
			astart += len(alt) + 1
		}
		groups = append(groups, "("+strings.Join(alts, " or ")+")")
		start += len(and) + 2
	}
	return strings.Join(groups, " and "), nil
}

type tagToken struct {
	text string
	col  int // 1-based, in the whole expression
}

// checkCucumberTags checks part (found at offset in expr) against the
// tag-expression grammar the way the Cucumber parser reads it, to report
// the column of the first error (the parser itself names none).
func checkCucumberTags(expr, part string, offset int) error {
	var toks []tagToken
	var cur strings.Builder
	curCol, escaped := 0, false
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, tagToken{cur.String(), curCol})
			cur.Reset()
		}
	}
	for i, c := range part {
		col := offset + i + 1
		switch {
		case escaped:
			if c != '(' && c != ')' && c != '\\' && !unicode.IsSpace(c) {
				return &tagSyntaxError{expr, col, fmt.Sprintf("illegal escape before %q", c)}
			}
			cur.WriteRune(c)
			escaped = false
		case c == '\\':
			if cur.Len() == 0 {
				curCol = col
			}
			escaped = true
		case c == '(' || c == ')' || unicode.IsSpace(c):
			flush()
			if !unicode.IsSpace(c) {
				toks = append(toks, tagToken{string(c), col})
			}
		default:
			if cur.Len() == 0 {
				curCol = col
			}
			cur.WriteRune(c)
		}
	}
	flush()
	end := offset + len(part) + 1
	wantOperand := true
	var open []int
	for _, t := range toks {
		switch t.text {
		case "not", "(":
			if !wantOperand {
				return &tagSyntaxError{expr, t.col, fmt.Sprintf("expected and, or or ) before %q", t.text)}
			}
			if t.text == "(" {
				open = append(open, t.col)
			}
		case "and", "or":
			if wantOperand {
				return &tagSyntaxError{expr, t.col, fmt.Sprintf("expected a tag before %q", t.text)}
			}
			wantOperand = true
		case ")":
			if wantOperand {
				return &tagSyntaxError{expr, t.col, "expected a tag before )"}
			}
			if len(open) == 0 {
				return &tagSyntaxError{expr, t.col, "unmatched )"}
			}
			open = open[:len(open)-1]
		default:
			if !wantOperand {
				return &tagSyntaxError{expr, t.col, fmt.Sprintf("expected and, or or ) before %q", t.text)}
			}
			if !strings.HasPrefix(t.text, "@") {
				return &tagSyntaxError{expr, t.col, fmt.Sprintf("%q is not a tag: tags start with @", t.text)}
			}
			wantOperand = false
		}
	}
	if len(toks) > 0 && wantOperand {
		return &tagSyntaxError{expr, end, "expected a tag at the end"}
	}
	if len(open) > 0 {
		return &tagSyntaxError{expr, open[len(open)-1], "unmatched ("}
	}
	return nil
}
