package oktaecs_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/oktadetect/oktadetect/detect/oktaecs"
)

const rawEvent = `{
  "uuid": "f41b8e27-d8c2-11f0-a5d3-1c9e7b4f2a60",
  "published": "2026-03-02T10:22:57.061Z",
  "eventType": "app.generic.unauth_app_access_attempt",
  "actor": {"alternateId": "r.souza@partner.example", "displayName": "Rafael Souza"},
  "client": {"ipAddress": "null"},
  "outcome": {"result": "FAILURE"}
}`

func ExampleToECS() {
	var ev map[string]any
	if err := json.Unmarshal([]byte(rawEvent), &ev); err != nil {
		log.Fatal(err)
	}
	doc := oktaecs.ToECS(ev)
	event := doc["event"].(map[string]any)
	user := doc["user"].(map[string]any)
	_, hasIP := doc["source"].(map[string]any)["ip"]
	fmt.Println(event["action"], event["outcome"])
	fmt.Println(user["name"], user["full_name"])
	fmt.Println("source.ip present:", hasIP)
	// Output:
	// app.generic.unauth_app_access_attempt failure
	// r.souza Rafael Souza
	// source.ip present: false
}

// An extractor resolves each field a rule needs once, then reads raw values
// and converts them without building a document.
func ExampleSources() {
	for _, field := range []string{"user.name", "event.outcome", "source.geo.country_iso_code"} {
		fmt.Printf("%s:", field)
		for _, s := range oktaecs.Sources(field) {
			fmt.Printf(" %v %v else=%v;", s.Path, s.Conv, s.Else)
		}
		fmt.Println()
	}

	// For an event whose actor.alternateId is "r.souza@partner.example":
	src := oktaecs.Sources("user.name")[0]
	buf := make([]string, 0, 4) // reused across events: no allocation
	buf = src.Apply(buf[:0], "r.souza@partner.example")
	fmt.Println(buf)
	// Output:
	// user.name: [actor alternateId] UserName else=false;
	// event.outcome: [outcome result] Outcome else=false; [] Outcome else=true;
	// source.geo.country_iso_code:
	// [r.souza]
}

func ExampleConstant() {
	v, ok := oktaecs.Constant("event.dataset")
	fmt.Println(v, ok)
	// Output: [okta.system] true
}
