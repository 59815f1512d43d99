package perf

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// busyLoadPerCore is the one-minute load average per core above which the
// machine counts as busy before the run starts: other work is then
// competing for the CPU the broker and the processes measured need.
const busyLoadPerCore = 0.5

// Machine describes where the run happened.
type Machine struct {
	CPUModel         string     `json:"cpu_model"`
	Cores            int        `json:"cores"`
	GOMAXPROCS       int        `json:"gomaxprocs"`
	GoVersion        string     `json:"go_version"`
	OS               string     `json:"os"`
	MemoryBytes      int64      `json:"memory_bytes,omitempty"`
	LoadAverageStart [3]float64 `json:"load_average_start"`
	LoadAverageEnd   [3]float64 `json:"load_average_end"`
	Busy             bool       `json:"busy"`
}

// machineFacts reads what it can about this machine. Facts only Linux
// exposes in /proc are left empty elsewhere.
func machineFacts() Machine {
	m := Machine{
		CPUModel:   procField("/proc/cpuinfo", "model name"),
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
		OS:         osDescription(),
	}
	if m.CPUModel == "" {
		m.CPUModel = runtime.GOARCH
	}
	if kb, err := strconv.ParseInt(strings.TrimSuffix(procField("/proc/meminfo", "MemTotal"), " kB"), 10, 64); err == nil {
		m.MemoryBytes = kb << 10
	}
	m.LoadAverageStart, _ = loadAverage()
	m.Busy = m.LoadAverageStart[0] > busyLoadPerCore*float64(m.Cores)
	return m
}

// osDescription is like "linux/amd64, Debian GNU/Linux 13 (trixie), kernel 6.12.1".
func osDescription() string {
	parts := []string{runtime.GOOS + "/" + runtime.GOARCH}
	if name := osRelease(); name != "" {
		parts = append(parts, name)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		parts = append(parts, "kernel "+strings.TrimSpace(string(b)))
	}
	return strings.Join(parts, ", ")
}

func osRelease() string {
	f, err := os.Open("/etc/os-release")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}

// procField returns the value of the first "key: value" line of a /proc
// file, or "".
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// loadAverage reads the 1, 5 and 15 minute load averages.
func loadAverage() ([3]float64, bool) {
	var la [3]float64
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return la, false
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return la, false
	}
	for i := range la {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return [3]float64{}, false
		}
		la[i] = v
	}
	return la, true
}
