package deploy_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dockerStage is one FROM ... section of a Dockerfile.
type dockerStage struct {
	Image        string // as written after FROM, without --platform
	Name         string // the AS name, lower-cased; "" when unnamed
	Instructions []dockerInstruction
}

type dockerInstruction struct {
	Line    int    // 1-based line where the instruction starts
	Keyword string // upper-cased: RUN, COPY, USER, ...
	Args    string // the rest, continuation lines joined
}

// parseDockerfile splits a Dockerfile into stages. It understands comments,
// parser directives, backslash line continuations and FROM [--flag] image [AS
// name]; that is all the checks below need. Heredocs are not supported.
func parseDockerfile(src string) ([]dockerStage, error) {
	var (
		stages  []dockerStage
		pending strings.Builder
		start   int
	)
	sc := bufio.NewScanner(strings.NewReader(src))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if pending.Len() == 0 && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		if pending.Len() > 0 && strings.HasPrefix(text, "#") {
			continue // comment lines inside a continued instruction are dropped
		}
		if pending.Len() == 0 {
			start = line
		}
		if cont, ok := strings.CutSuffix(text, `\`); ok {
			pending.WriteString(cont)
			pending.WriteByte(' ')
			continue
		}
		pending.WriteString(text)
		instr := pending.String()
		pending.Reset()

		keyword, args, _ := strings.Cut(instr, " ")
		in := dockerInstruction{Line: start, Keyword: strings.ToUpper(keyword), Args: strings.TrimSpace(args)}
		if in.Keyword == "FROM" {
			st, err := parseFrom(in)
			if err != nil {
				return nil, err
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) == 0 {
			if in.Keyword == "ARG" {
				continue // global build arguments may precede the first FROM
			}
			return nil, fmt.Errorf("line %d: %s before the first FROM", in.Line, in.Keyword)
		}
		last := &stages[len(stages)-1]
		last.Instructions = append(last.Instructions, in)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if pending.Len() > 0 {
		return nil, fmt.Errorf("line %d: file ends inside a continued instruction", start)
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("no FROM instruction")
	}
	return stages, nil
}

func parseFrom(in dockerInstruction) (dockerStage, error) {
	var words []string
	for _, w := range strings.Fields(in.Args) {
		if !strings.HasPrefix(w, "--") { // --platform=...
			words = append(words, w)
		}
	}
	switch {
	case len(words) == 1:
		return dockerStage{Image: words[0]}, nil
	case len(words) == 3 && strings.EqualFold(words[1], "AS"):
		return dockerStage{Image: words[0], Name: strings.ToLower(words[2])}, nil
	}
	return dockerStage{}, fmt.Errorf("line %d: cannot parse FROM %s", in.Line, in.Args)
}

// last returns the stage's last instruction with the keyword, or false.
func (s dockerStage) last(keyword string) (dockerInstruction, bool) {
	for i := len(s.Instructions) - 1; i >= 0; i-- {
		if s.Instructions[i].Keyword == keyword {
			return s.Instructions[i], true
		}
	}
	return dockerInstruction{}, false
}

// execForm decodes the JSON-array form of ENTRYPOINT/CMD. The shell form
// would run the binary under /bin/sh -c, which distroless does not have, and
// would keep SIGTERM from reaching the detector.
func execForm(args string) ([]string, bool) {
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil || len(argv) == 0 {
		return nil, false
	}
	return argv, true
}

const (
	finalImage = "gcr.io/distroless/static-debian12:nonroot"
	nonrootID  = "65532"
)

// dockerfileProblems lists every way the image definition departs from what
// production needs. An empty list means the Dockerfile is fine.
func dockerfileProblems(stages []dockerStage) []string {
	var problems []string
	if len(stages) < 2 {
		return []string{fmt.Sprintf("%d stage(s): want a multi-stage build (compile, then copy into a minimal image)", len(stages))}
	}
	final := stages[len(stages)-1]
	if final.Image != finalImage {
		problems = append(problems, fmt.Sprintf("final stage is %s, want %s", final.Image, finalImage))
	}

	// The build stage: the one the final stage copies the binary from.
	var build *dockerStage
	for _, in := range final.Instructions {
		if in.Keyword != "COPY" {
			continue
		}
		for _, f := range strings.Fields(in.Args) {
			if from, ok := strings.CutPrefix(f, "--from="); ok {
				for i := range stages[:len(stages)-1] {
					if stages[i].Name == strings.ToLower(from) {
						build = &stages[i]
					}
				}
			}
		}
	}
	if build == nil {
		problems = append(problems, "the final stage copies nothing from a named build stage")
	} else {
		if !strings.HasPrefix(build.Image, "golang:") || strings.HasSuffix(build.Image, ":latest") || strings.Contains(build.Image, "@") {
			problems = append(problems, fmt.Sprintf("build stage image %s: want a pinned golang:<version> tag", build.Image))
		}
		var goBuild, modDownload, copyModFiles, copyAll int
		for i, in := range build.Instructions {
			switch {
			case in.Keyword == "RUN" && strings.Contains(in.Args, "go build"):
				goBuild = i + 1
				for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "./cmd/oktadetect", "-X main.version="} {
					if !strings.Contains(in.Args, want) {
						problems = append(problems, fmt.Sprintf("line %d: go build without %s", in.Line, want))
					}
				}
			case in.Keyword == "RUN" && strings.Contains(in.Args, "go mod download"):
				modDownload = i + 1
			case in.Keyword == "COPY" && strings.Contains(in.Args, "go.mod") && strings.Contains(in.Args, "go.sum"):
				copyModFiles = i + 1
			case in.Keyword == "COPY" && slices.Equal(strings.Fields(in.Args), []string{".", "."}):
				copyAll = i + 1
			}
		}
		if goBuild == 0 {
			problems = append(problems, "the build stage has no RUN go build")
		}
		// Module downloads cached in their own layer: go.mod/go.sum copied
		// and downloaded before the rest of the source is copied in.
		if copyModFiles == 0 || modDownload == 0 || copyAll == 0 || !(copyModFiles < modDownload && modDownload < copyAll) {
			problems = append(problems, "want COPY go.mod go.sum, then RUN go mod download, then COPY . . (dependency layer cache)")
		}
	}

	if in, ok := final.last("RUN"); ok {
		problems = append(problems, fmt.Sprintf("line %d: RUN in the final stage (distroless has no shell)", in.Line))
	}
	if in, ok := final.last("USER"); !ok {
		problems = append(problems, "the final stage sets no USER")
	} else if user, _, _ := strings.Cut(in.Args, ":"); user != nonrootID {
		problems = append(problems, fmt.Sprintf("line %d: USER %s, want %s:%s (numeric, so runAsNonRoot can verify it)", in.Line, in.Args, nonrootID, nonrootID))
	}
	if in, ok := final.last("ENTRYPOINT"); !ok {
		problems = append(problems, "the final stage has no ENTRYPOINT")
	} else if argv, ok := execForm(in.Args); !ok {
		problems = append(problems, fmt.Sprintf("line %d: ENTRYPOINT %s is not in exec form", in.Line, in.Args))
	} else if !slices.Equal(argv, []string{"/oktadetect"}) {
		problems = append(problems, fmt.Sprintf("line %d: ENTRYPOINT %q, want [\"/oktadetect\"]", in.Line, argv))
	}
	if in, ok := final.last("CMD"); !ok {
		problems = append(problems, "the final stage has no CMD")
	} else if argv, ok := execForm(in.Args); !ok || !slices.Equal(argv, []string{"run"}) {
		problems = append(problems, fmt.Sprintf("line %d: CMD %s, want [\"run\"]", in.Line, in.Args))
	}
	if in, ok := final.last("EXPOSE"); !ok || !slices.Contains(strings.Fields(in.Args), "8080") {
		problems = append(problems, "the final stage does not EXPOSE 8080")
	}
	return problems
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	stages, err := parseDockerfile(string(b))
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	for _, p := range dockerfileProblems(stages) {
		t.Errorf("Dockerfile: %s", p)
	}
}

// TestDockerfileChecks runs the checks on broken Dockerfiles, so that a check
// that can never fail does not go unnoticed.
func TestDockerfileChecks(t *testing.T) {
	tests := []struct {
		file string
		want []string // substrings, each must appear in some problem
	}{
		{file: "single-stage.Dockerfile", want: []string{"want a multi-stage build"}},
		{file: "shell-entrypoint.Dockerfile", want: []string{
			"ENTRYPOINT /oktadetect run is not in exec form",
			"USER nonroot, want 65532:65532",
			"go build without CGO_ENABLED=0",
			"RUN in the final stage",
			"want COPY go.mod go.sum, then RUN go mod download",
			"final stage is alpine:3.20",
			"build stage image golang:latest",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "dockerfiles", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			stages, err := parseDockerfile(string(b))
			if err != nil {
				t.Fatal(err)
			}
			problems := dockerfileProblems(stages)
			for _, want := range tt.want {
				if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) }) {
					t.Errorf("no problem mentions %q; got %q", want, problems)
				}
			}
		})
	}
}

func TestParseDockerfile(t *testing.T) {
	src := "# syntax=docker/dockerfile:1\nARG GO=1.26\nFROM --platform=$BUILDPLATFORM golang:1.26 AS Build\n" +
		"RUN a \\\n  # dropped comment\n  b\nFROM scratch\nCOPY --from=build /x /x\n"
	stages, err := parseDockerfile(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != 2 || stages[0].Image != "golang:1.26" || stages[0].Name != "build" || stages[1].Image != "scratch" {
		t.Fatalf("stages = %+v", stages)
	}
	run := stages[0].Instructions[0]
	if run.Keyword != "RUN" || run.Line != 4 || strings.Join(strings.Fields(run.Args), " ") != "a b" {
		t.Errorf("RUN = %+v, want line 4 args \"a b\"", run)
	}
	for _, bad := range []string{"", "RUN x\n", "FROM a b c d\n", "FROM a\nRUN x \\\n"} {
		if _, err := parseDockerfile(bad); err == nil {
			t.Errorf("parseDockerfile(%q) succeeded, want an error", bad)
		}
	}
}
