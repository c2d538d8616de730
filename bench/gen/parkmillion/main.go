// Command parkmillion parks a very large number of goroutines in four kinds of
// blocked state, saves /debug/pprof/goroutine?debug=2 from its own pprof
// endpoint (net/http/pprof cuts that dump at 64 MiB, in the middle of a
// goroutine), and then kills itself with SIGQUIT. Run with GOTRACEBACK=all
// and stderr redirected to a file to get a full traceback of every goroutine
// (hundreds of MB for a million goroutines). Used by bench/goroutines.sh.
//
// Its own log goes to stdout, so stderr holds nothing but the traceback.
// Loopback only; exits by itself (SIGQUIT, exit status 2) when done, or after
// -max-life whatever happens.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	n       = flag.Int("n", 1000000, "goroutines to park")
	debug2  = flag.String("debug2", "", "write /debug/pprof/goroutine?debug=2 to this file before dying")
	noDie   = flag.Bool("no-sigquit", false, "exit normally instead of SIGQUIT (for tests)")
	maxLife = flag.Duration("max-life", 30*time.Minute, "hard limit on the run time")
)

var parked atomic.Int64

// Kind 0 (40%): a pipeline stage waiting for a confirmation that never comes.
type orderPipeline struct {
	confirmations chan int
}

//go:noinline
func (p *orderPipeline) process(id int) {
	parked.Add(1)
	p.awaitConfirmation(id)
}

//go:noinline
func (p *orderPipeline) awaitConfirmation(id int) int {
	return <-p.confirmations + id
}

// Kind 1 (30%): a feed watcher several calls deep, in a select on channels
// nobody uses.
type feed struct {
	updates chan string
	errs    chan error
}

//go:noinline
func subscribe(f *feed, depth int) int {
	if depth > 0 {
		return subscribe(f, depth-1) + 1
	}
	parked.Add(1)
	return watchFeed(f)
}

//go:noinline
func watchFeed(f *feed) int {
	for {
		select {
		case <-f.updates:
		case <-f.errs:
			return 0
		}
	}
}

// Kind 2 (20%): writers blocked on a mutex that is never released.
type ledger struct {
	mu      sync.Mutex
	entries []int
}

//go:noinline
func (l *ledger) append(v int) {
	parked.Add(1)
	l.mu.Lock()
	l.entries = append(l.entries, v)
	l.mu.Unlock()
}

// Kind 3 (the rest, 10%): retry loops sleeping for an hour.
//
//go:noinline
func retryWithBackoff(id int, wait time.Duration) {
	parked.Add(1)
	for attempt := 0; ; attempt++ {
		time.Sleep(wait)
		if attempt > id {
			return
		}
	}
}

func main() {
	flag.Parse()
	debug.SetTraceback("all") // same as GOTRACEBACK=all, in case the caller forgot
	time.AfterFunc(*maxLife, func() { fmt.Println("max-life reached"); os.Exit(3) })
	t0 := time.Now()
	logf := func(format string, args ...any) {
		fmt.Printf("parkmillion: t=%6.2fs "+format+"\n", append([]any{time.Since(t0).Seconds()}, args...)...)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go http.Serve(ln, nil) // http.DefaultServeMux has /debug/pprof/*

	pipeline := &orderPipeline{confirmations: make(chan int)}
	fd := &feed{updates: make(chan string), errs: make(chan error)}
	lg := &ledger{}
	lg.mu.Lock() // held for ever

	n0, n1, n2 := *n*4/10, *n*3/10, *n*2/10
	n3 := *n - n0 - n1 - n2
	spawnOrders(pipeline, n0)
	spawnFeeds(fd, n1)
	spawnWriters(lg, n2)
	spawnRetries(n3)
	for parked.Load() < int64(*n) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the last ones reach their blocking call
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	logf("parked %d goroutines (chan receive %d, select %d, semacquire %d, sleep %d); NumGoroutine=%d; stacks in use %d MiB, Sys %d MiB",
		*n, n0, n1, n2, n3, runtime.NumGoroutine(), ms.StackInuse>>20, ms.Sys>>20)

	if *debug2 != "" {
		if err := saveDebug2(ln.Addr().String(), *debug2); err != nil {
			logf("debug=2 capture failed: %v", err)
			os.Exit(1)
		}
		fi, _ := os.Stat(*debug2)
		logf("saved %s: %d bytes", *debug2, fi.Size())
	}
	if *noDie {
		return
	}
	logf("SIGQUIT to self (pid %d)", os.Getpid())
	os.Stdout.Sync()
	syscall.Kill(os.Getpid(), syscall.SIGQUIT)
	time.Sleep(time.Hour) // the traceback is written by the signal handler; it exits with status 2
}

// One spawner per kind, so that each kind has its own "created by" line.

//go:noinline
func spawnOrders(p *orderPipeline, count int) {
	for i := 0; i < count; i++ {
		go p.process(i)
	}
}

//go:noinline
func spawnFeeds(f *feed, count int) {
	for i := 0; i < count; i++ {
		go subscribe(f, 3)
	}
}

//go:noinline
func spawnWriters(l *ledger, count int) {
	for i := 0; i < count; i++ {
		go l.append(i)
	}
}

//go:noinline
func spawnRetries(count int) {
	for i := 0; i < count; i++ {
		go retryWithBackoff(i, time.Hour)
	}
}

func saveDebug2(addr, path string) error {
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=2")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
