package report

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf8"
)

// Layout of a drawn diagram, in SVG user units.
const (
	boxW    = 168
	boxH    = 40
	spacing = 200
	// wideGap separates the client from pbxsim: the requests' labels
	// need the room.
	wideGap  = 420
	margin   = 16
	rowH     = 24
	bandH    = 22
	charW    = 6.4 // a label character at 11px
	headTop  = 8
	bodyTop  = headTop + boxH + 14
	noteMaxW = 360
)

// SVG draws the diagram. Every text is escaped: labels come from vendor
// requests and scenario files.
func SVG(d Diagram) string {
	n := len(d.Lifelines)
	pos := make([]int, n)
	for i := range pos {
		switch i {
		case 0:
			pos[i] = margin + boxW/2
		case 1:
			pos[i] = pos[0] + wideGap
		default:
			pos[i] = pos[i-1] + spacing
		}
	}
	width := pos[n-1] + boxW/2 + margin
	bands := map[int][]Marker{}
	for _, m := range d.Markers {
		bands[m.Row] = append(bands[m.Row], m)
	}
	height := bodyTop + len(d.Messages)*rowH + len(d.Markers)*bandH + 16
	if d.Omitted > 0 {
		height += rowH
	}
	x := func(i int) int { return pos[i] }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="sequence" width="%d" height="%d" viewBox="0 0 %d %d" font-family="system-ui, sans-serif" font-size="11" role="img" aria-label="sequence diagram">`, width, height, width, height)
	// Lifelines first, so arrows are drawn over them.
	for i, l := range d.Lifelines {
		cx := x(i)
		fmt.Fprintf(&b, `<g class="lifeline" data-id="%s"><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#a0aec0" stroke-dasharray="4 4"/>`, esc(l.ID), cx, headTop+boxH, cx, height-4)
		fill := "#edf2f7"
		if i == lifePBX {
			fill = "#e9d8fd"
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="#4a5568"/>`, cx-boxW/2, headTop, boxW, boxH, fill)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-weight="600" font-size="12">%s</text>`, cx, headTop+17, esc(clipText(l.Label, boxW-8)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#4a5568">%s</text></g>`, cx, headTop+32, esc(clipText(l.Sub, boxW-8)))
	}
	y := bodyTop
	for r, m := range d.Messages {
		for _, mk := range bands[r] {
			drawBand(&b, mk, y, width)
			y += bandH
		}
		drawMessage(&b, d, m, x, y)
		y += rowH
	}
	for _, mk := range bands[len(d.Messages)] {
		drawBand(&b, mk, y, width)
		y += bandH
	}
	if d.Omitted > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#c53030">… %d more messages: see the transcript</text>`, margin, y+14, d.Omitted)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// drawBand marks where a step begins; the failing step's band is red.
func drawBand(b *strings.Builder, mk Marker, y, width int) {
	class, fill, ink := "step", "#f7fafc", "#2d3748"
	if mk.Failed {
		class, fill, ink = "step failed", "#fff5f5", "#c53030"
	}
	fmt.Fprintf(b, `<g class="%s"><rect x="0" y="%d" width="%d" height="%d" fill="%s"/><text x="%d" y="%d" fill="%s" font-style="italic">%s</text></g>`,
		class, y, width, bandH-2, fill, margin, y+14, ink, esc(clipText("step: "+mk.Label, width-2*margin)))
}

// drawMessage draws one arrow or note. Colours and dashes come from the
// page's style sheet (classes msg, the kind, s-<state>, bad), which keeps a
// report of many scenarios small.
func drawMessage(b *strings.Builder, d Diagram, m Message, x func(int) int, y int) {
	class := "msg " + m.Kind
	if m.State != "" {
		class += " s-" + m.State
	}
	if m.Bad {
		class += " bad"
	}
	fmt.Fprintf(b, `<g class="%s" data-from="%s" data-to="%s"`, esc(class), esc(d.Lifelines[m.From].ID), esc(d.Lifelines[m.To].ID))
	if m.Status != 0 {
		fmt.Fprintf(b, ` data-status="%d"`, m.Status)
	}
	// The tooltip's first line is the whole label, then the detail.
	tip := m.Label
	if m.Detail != "" && m.Detail != m.Label {
		tip += "\n" + m.Detail
	}
	fmt.Fprintf(b, `><title>%s</title>`, esc(tip))
	x1, x2 := x(m.From), x(m.To)
	if m.From == m.To {
		w := min(noteMaxW, int(float64(utf8.RuneCountInString(m.Label))*charW)+12)
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" rx="3"/><text x="%d" y="%d">%s</text></g>`,
			x1+6, y+3, w, rowH-6, x1+12, y+16, esc(clipText(m.Label, noteMaxW-12)))
		return
	}
	ly := y + 16
	dir := 1
	if x2 < x1 {
		dir = -1
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d"/><polygon points="%d,%d %d,%d %d,%d"/>`, x1, ly, x2, ly, x2, ly, x2-dir*8, ly-4, x2-dir*8, ly+4)
	span := x2 - x1
	if span < 0 {
		span = -span
	}
	// The label sits above the arrow, starting at its tail; a long label
	// may run past the head but never off the picture.
	avail := max(span-10, 150)
	label := clipText(m.Label, avail)
	if m.Kind == KindRequest {
		label = clipMiddle(m.Label, avail) // a path's end says what it does
	}
	if dir > 0 {
		fmt.Fprintf(b, `<text x="%d" y="%d">%s</text></g>`, x1+6, ly-4, esc(label))
	} else {
		fmt.Fprintf(b, `<text class="r" x="%d" y="%d">%s</text></g>`, x1-6, ly-4, esc(label))
	}
}

// clipText shortens s to about width units of 11px text.
func clipText(s string, width int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	max := int(float64(width) / charW)
	if utf8.RuneCountInString(s) <= max || max < 2 {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// clipMiddle shortens s to about width units, keeping its head and tail.
func clipMiddle(s string, width int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	max := int(float64(width) / charW)
	r := []rune(s)
	if len(r) <= max || max < 12 {
		return clipText(s, width)
	}
	head := max / 3
	return string(r[:head]) + "…" + string(r[len(r)-(max-head-1):])
}

func esc(s string) string { return html.EscapeString(s) }
