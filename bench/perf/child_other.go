//go:build !linux

package perf

import "syscall"

// childSysProcAttr is nil where the kernel cannot tie a child's life to its
// parent's; children of a killed bench then run until stopped by hand.
func childSysProcAttr() *syscall.SysProcAttr { return nil }
