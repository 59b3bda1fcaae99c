package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// The file format: the core's settings first, then the dialects'
// sections, then outside numbers, webhook hosts and fault rules. A file
// decodes strictly (an unknown field is an error naming its line) into a
// struct built for it: the core's fields plus one field per section, of
// the registered kind's Go type, so a section's own fields are as strict
// as the core's. Sections are written back under their keys in order.

// head and tail are the core's fields around the sections.
type head struct {
	Name                string   `yaml:"name" json:"name"`
	Seed                int64    `yaml:"seed" json:"seed"`
	ReproducibleSecrets bool     `yaml:"reproducibleSecrets" json:"reproducibleSecrets,omitempty"`
	Clock               string   `yaml:"clock" json:"clock"`
	StartTime           string   `yaml:"startTime" json:"startTime,omitempty"`
	RingTimeout         Duration `yaml:"ringTimeout" json:"ringTimeout"`
	Retention           Duration `yaml:"retention" json:"retention"`
}

type tail struct {
	Outside      []OutsideNumber `yaml:"outside" json:"outside,omitempty"`
	WebhookHosts []string        `yaml:"webhookHosts" json:"webhookHosts,omitempty"`
	Faults       []faults.Rule   `yaml:"faults" json:"faults,omitempty"`
}

func (sc *Scenario) head() head {
	return head{sc.Name, sc.Seed, sc.ReproducibleSecrets, sc.Clock, sc.StartTime, sc.RingTimeout, sc.Retention}
}

func (sc *Scenario) tail() tail { return tail{sc.Outside, sc.WebhookHosts, sc.Faults} }

var (
	headType = reflect.TypeOf(head{})
	tailType = reflect.TypeOf(tail{})
	nodeType = reflect.TypeOf(yaml.Node{})
)

// decode reads data (whose parsed document is top) strictly.
func decode(data []byte, top *yaml.Node) (*Scenario, error) {
	fields := []reflect.StructField{{Name: "Head", Type: headType, Tag: `yaml:",inline"`}}
	type slot struct {
		key   string
		field int
		line  int
		kind  bool
	}
	var slots []slot
	if top != nil && top.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(top.Content); i += 2 {
			key := top.Content[i].Value
			if coreKeys[key] {
				continue
			}
			s := slot{key: key, field: len(fields), line: top.Content[i].Line}
			t := nodeType
			if k, ok := kindOf(key); ok {
				t, s.kind = reflect.TypeOf(k.New()), true
			} else if top.Content[i+1].Kind != yaml.MappingNode {
				// A section is a mapping; anything else is a misspelt setting.
				return nil, fmt.Errorf("line %d: field %s not found (a top-level field is a setting or a dialect's section: %s)", s.line, key, kindList())
			}
			fields = append(fields, reflect.StructField{Name: fmt.Sprintf("S%d", len(fields)), Type: t,
				Tag: reflect.StructTag(fmt.Sprintf("yaml:%q", key))})
			slots = append(slots, s)
		}
	}
	fields = append(fields, reflect.StructField{Name: "Tail", Type: tailType, Tag: `yaml:",inline"`})
	v := reflect.New(reflect.StructOf(fields))
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v.Interface()); err != nil {
		return nil, err
	}
	e := v.Elem()
	h := e.Field(0).Interface().(head)
	t := e.Field(len(fields) - 1).Interface().(tail)
	sc := &Scenario{Name: h.Name, Seed: h.Seed, ReproducibleSecrets: h.ReproducibleSecrets, Clock: h.Clock,
		StartTime: h.StartTime, RingTimeout: h.RingTimeout, Retention: h.Retention,
		Outside: t.Outside, WebhookHosts: t.WebhookHosts, Faults: t.Faults}
	for _, s := range slots {
		f := e.Field(s.field)
		switch {
		case !s.kind:
			n := f.Interface().(yaml.Node)
			sc.unclaimed = append(sc.unclaimed, Unclaimed{Key: s.key, Line: s.line, node: &n})
		case !f.IsNil():
			sc.sections = append(sc.sections, keyed{s.key, f.Interface().(Section)})
		}
	}
	return sc, nil
}

// MarshalYAML writes the scenario in the file format.
func (sc Scenario) MarshalYAML() (any, error) {
	n := &yaml.Node{}
	if err := n.Encode(sc.head()); err != nil {
		return nil, err
	}
	for _, k := range sc.sections {
		var v yaml.Node
		if err := v.Encode(k.s); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.key}, &v)
	}
	for _, u := range sc.unclaimed {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: u.Key}, u.node)
	}
	var t yaml.Node
	if err := t.Encode(sc.tail()); err != nil {
		return nil, err
	}
	n.Content = append(n.Content, t.Content...)
	return n, nil
}

// MarshalJSON writes the scenario as GET /sim/v1/scenario shows it: the
// core's fields, the sections under their keys, then the rest.
func (sc Scenario) MarshalJSON() ([]byte, error) {
	h, err := json.Marshal(sc.head())
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(h[:len(h)-1])
	for _, k := range sc.sections {
		v, err := json.Marshal(k.s)
		if err != nil {
			return nil, err
		}
		key, _ := json.Marshal(k.key)
		b.WriteByte(',')
		b.Write(key)
		b.WriteByte(':')
		b.Write(v)
	}
	for _, u := range sc.unclaimed {
		var raw any
		if err := u.node.Decode(&raw); err != nil {
			return nil, err
		}
		v, err := json.Marshal(raw)
		if err != nil {
			return nil, err
		}
		key, _ := json.Marshal(u.Key)
		b.WriteByte(',')
		b.Write(key)
		b.WriteByte(':')
		b.Write(v)
	}
	t, err := json.Marshal(sc.tail())
	if err != nil {
		return nil, err
	}
	if len(t) > 2 {
		b.WriteByte(',')
		b.Write(t[1:])
	} else {
		b.WriteByte('}')
	}
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes (strictly, unvalidated).
func (sc *Scenario) UnmarshalJSON(data []byte) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return err
	}
	var top *yaml.Node
	if len(root.Content) > 0 {
		top = root.Content[0]
	}
	out, err := decode(data, top)
	if err != nil {
		return err
	}
	*sc = *out
	return nil
}
