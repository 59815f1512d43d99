package perf

import "syscall"

// childSysProcAttr has the kernel send SIGTERM to a child when the bench
// dies, so that a killed bench does not leave detectors consuming.
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
