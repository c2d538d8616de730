// Command driver puts a bounded load on a running orderdesk server over
// loopback and saves its pprof dumps into an output directory.
//
// Everything it talks to is 127.0.0.1; the address is read from the file the
// server writes at start-up.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var (
	addrFile   = flag.String("addr-file", "", "file the server writes its address to")
	outDir     = flag.String("out", ".", "directory to write the dumps to")
	binaryName = flag.String("binary-name", "orderdesk", "name to record as Mapping.filename for the main binary")
	cpuSeconds = flag.Int("cpu-seconds", 3, "CPU profile duration")
	workers    = flag.Int("workers", 4, "concurrent checkout workers during the CPU profile")
	maxLoad    = flag.Int("max-requests", 5000, "upper bound on checkout requests during the CPU profile")

	nNotify  = flag.Int("notify", 40, "requests to /orders/notify (leaks 1 goroutine each: chan receive)")
	nWatch   = flag.Int("watch", 25, "requests to /orders/watch (leaks 1 goroutine each: select without ctx.Done)")
	nPoll    = flag.Int("poll", 12, "requests to /orders/poll (leaks 1 goroutine each: ticker, ctx never cancelled)")
	nArchive = flag.Int("archive", 24, "requests to /orders/archive (leaks 512 KiB heap each)")
)

var base string

func main() {
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("driver: ")
	deadline := time.Now().Add(45 * time.Second)

	addr, err := waitAddr(*addrFile, 10*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" {
		log.Fatalf("refusing non-loopback address %q", addr)
	}
	base = "http://" + addr
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		log.Fatal(err)
	}

	// Load client keeps connections alive; snapshot client does not, so that
	// idle keep-alive connections do not show up as goroutines in dumps.
	load := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	snap := &http.Client{Timeout: time.Duration(*cpuSeconds+15) * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

	// 1. Warm-up.
	for i := 0; i < 5; i++ {
		mustGet(load, "/orders/checkout?n=60")
	}
	quiesce(load)

	// 2. Baseline before the leaks build up.
	save(snap, "/debug/pprof/heap?gc=1", "heap.baseline.pb.gz")
	save(snap, "/debug/pprof/goroutine", "goroutine.baseline.pb.gz")

	// 3. Leak build-up.
	for i := 0; i < *nNotify; i++ {
		mustGet(load, "/orders/notify")
	}
	for i := 0; i < *nWatch; i++ {
		mustGet(load, "/orders/watch")
	}
	for i := 0; i < *nPoll; i++ {
		mustGet(load, "/orders/poll")
	}
	for i := 0; i < *nArchive; i++ {
		mustGet(load, "/orders/archive")
	}

	// 4. CPU profile under checkout load.
	var stop int32
	var issued, done int64
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for atomic.LoadInt32(&stop) == 0 && time.Now().Before(deadline) {
				if atomic.AddInt64(&issued, 1) > int64(*maxLoad) {
					return
				}
				if err := get(load, "/orders/checkout"); err != nil {
					log.Printf("checkout: %v", err)
					return
				}
				atomic.AddInt64(&done, 1)
			}
		}()
	}
	time.Sleep(200 * time.Millisecond) // let the load ramp up
	save(snap, fmt.Sprintf("/debug/pprof/profile?seconds=%d", *cpuSeconds), "cpu.pb.gz")
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	log.Printf("checkout requests completed: %d", done)
	quiesce(load)

	// 5. Post-load snapshots.
	save(snap, "/debug/pprof/heap?gc=1", "heap.pb.gz")
	save(snap, "/debug/pprof/allocs", "allocs.pb.gz")
	save(snap, "/debug/pprof/block", "block.pb.gz")
	save(snap, "/debug/pprof/mutex", "mutex.pb.gz")
	save(snap, "/debug/pprof/goroutine", "goroutine.pb.gz")
	save(snap, "/debug/pprof/goroutine?debug=1", "goroutine.debug1.txt")
	save(snap, "/debug/pprof/goroutine?debug=2", "goroutine.debug2.txt")
	log.Printf("done")
}

func waitAddr(file string, timeout time.Duration) (string, error) {
	end := time.Now().Add(timeout)
	for time.Now().Before(end) {
		b, err := os.ReadFile(file)
		if err == nil && len(bytes.TrimSpace(b)) > 0 {
			return string(bytes.TrimSpace(b)), nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "", fmt.Errorf("no address in %s after %v", file, timeout)
}

func get(c *http.Client, p string) error {
	resp, err := c.Get(base + p)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", p, resp.Status)
	}
	return nil
}

func mustGet(c *http.Client, p string) {
	if err := get(c, p); err != nil {
		log.Fatal(err)
	}
}

// quiesce closes idle keep-alive connections and gives the server a moment to
// notice, so its per-connection goroutines are gone before a snapshot.
func quiesce(c *http.Client) {
	c.CloseIdleConnections()
	time.Sleep(300 * time.Millisecond)
}

func save(c *http.Client, p, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+p, nil)
	resp, err := c.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("GET %s: %s: %s", p, resp.Status, body)
	}
	if strings.HasSuffix(name, ".pb.gz") {
		if body, err = sanitize(body); err != nil {
			log.Fatalf("%s: %v", name, err)
		}
	}
	dst := filepath.Join(*outDir, name)
	if err := os.WriteFile(dst+".tmp", body, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(dst+".tmp", dst); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s (%d bytes)", name, len(body))
}

// sanitize rewrites the string table of a gzipped profile.proto so that the
// absolute path of the server executable (which the Go runtime copies from
// /proc/self/maps into Mapping.filename) becomes just the binary's name.
// Nothing else in the profile is changed; other fields are copied verbatim.
func sanitize(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var out []byte
	changed := false
	for b := raw; len(b) > 0; {
		start := b
		key, n := uvarint(b)
		if n <= 0 {
			return nil, errors.New("bad field key")
		}
		b = b[n:]
		field, wire := key>>3, key&7
		switch wire {
		case 0:
			_, n = uvarint(b)
			if n <= 0 {
				return nil, errors.New("bad varint")
			}
			b = b[n:]
		case 1:
			b = b[8:]
		case 5:
			b = b[4:]
		case 2:
			l, n := uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return nil, errors.New("bad length")
			}
			val := b[n : n+int(l)]
			b = b[n+int(l):]
			if field == 6 { // Profile.string_table
				s := string(val)
				if path.IsAbs(s) && path.Base(s) == *binaryName {
					out = appendUvarint(out, key)
					out = appendUvarint(out, uint64(len(*binaryName)))
					out = append(out, *binaryName...)
					changed = true
					continue
				}
			}
		default:
			return nil, fmt.Errorf("unsupported wire type %d", wire)
		}
		out = append(out, start[:len(start)-len(b)]...)
	}
	if !changed {
		return gz, nil
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(out); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func uvarint(b []byte) (uint64, int) {
	var x uint64
	for i := 0; i < len(b) && i < 10; i++ {
		x |= uint64(b[i]&0x7f) << (7 * uint(i))
		if b[i] < 0x80 {
			return x, i + 1
		}
	}
	return 0, 0
}

func appendUvarint(b []byte, x uint64) []byte {
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}
