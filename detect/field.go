package detect

// fieldID numbers the fields an engine reads: every field a rule
// references, plus the few the engine itself needs.
type fieldID int32

// Fields the engine always extracts, whatever the rules: they decide the
// document's shape, its identity for deduplication and its event time.
const (
	fieldEventAction fieldID = iota
	fieldEventDataset
	fieldDataStreamDataset
	fieldEventID
	fieldOktaUUID
	fieldTimestamp
	fieldMessage
	numBuiltinFields
)

var builtinFieldNames = [numBuiltinFields]string{
	fieldEventAction:       "event.action",
	fieldEventDataset:      "event.dataset",
	fieldDataStreamDataset: "data_stream.dataset",
	fieldEventID:           "event.id",
	fieldOktaUUID:          "okta.uuid",
	fieldTimestamp:         "@timestamp",
	fieldMessage:           "message",
}

// fieldTable assigns ids to field names.
type fieldTable struct {
	names  []string
	byName map[string]fieldID
}

func newFieldTable() *fieldTable {
	t := &fieldTable{byName: map[string]fieldID{}}
	for _, n := range builtinFieldNames {
		t.id(n)
	}
	return t
}

// id returns the id of name, adding it when new.
func (t *fieldTable) id(name string) fieldID {
	if id, ok := t.byName[name]; ok {
		return id
	}
	id := fieldID(len(t.names))
	t.names = append(t.names, name)
	t.byName[name] = id
	return id
}

func (t *fieldTable) len() int { return len(t.names) }
