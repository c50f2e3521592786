package main

import (
	"os/exec"
	"syscall"
	"time"
)

// endGroup ends a process started with ownProcessGroup, once: sig first (none when zero) and up
// to grace to exit on its own, then SIGKILL for the group, which also ends whatever the process
// started and left behind. exited is closed when the process has been waited for.
func endGroup(cmd *exec.Cmd, exited <-chan struct{}, sig syscall.Signal, grace time.Duration) {
	select {
	case <-exited:
		return
	default:
	}
	if sig != 0 {
		signalGroup(cmd, sig)
		select {
		case <-exited:
		case <-time.After(grace):
		}
	}
	signalGroup(cmd, syscall.SIGKILL)
	<-exited
}
