// Command driver exercises a running leakzoo server over 127.0.0.1 with a
// fixed, bounded number of requests per leak endpoint, saves its pprof dumps
// at three moments (baseline, leaked, aged) and finally sends SIGQUIT to the
// server so that run.sh can keep the GOTRACEBACK=all traceback.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	addrFile   = flag.String("addr-file", "", "file in which the server writes host:port")
	outDir     = flag.String("out", ".", "directory for the dumps")
	serverPID  = flag.Int("pid", 0, "server process id; gets SIGQUIT at the end (0: do not signal)")
	binaryName = flag.String("binary-name", "leakzoo", "name written to Mapping.filename in place of the absolute path")
	age        = flag.Duration("age", 65*time.Second, "wait between the leaked and the aged goroutine dump")
	cpuSeconds = flag.Int("cpu-seconds", 2, "length of each CPU profile")
	slowConns  = flag.Int("slow", 5, "(f) raw TCP clients that send half a header and go silent")
)

// One row per leak endpoint: how many requests in the warm-up (before the
// baseline dumps) and in total. The totals are the ground truth counts.
type endpoint struct {
	key, path   string
	warm, total int
	status      int
}

var endpoints = []endpoint{
	{"a", "/leak/approve", 2, 30, 0}, // client times out; handler never returns
	{"b", "/leak/quote", 0, 7, http.StatusGatewayTimeout},
	{"c", "/leak/subscribe", 1, 11, http.StatusOK},
	{"d", "/leak/plugin", 0, 3, http.StatusOK},
	{"e", "/leak/refresh", 1, 9, http.StatusOK},
	{"g", "/leak/inventory", 0, 6, http.StatusOK},
	{"h", "/leak/session", 2, 14, http.StatusOK},
	{"i", "/leak/report", 0, 4, http.StatusAccepted},
	{"j", "/leak/ledger", 1, 8, http.StatusAccepted},
	{"k", "/leak/worker", 0, 13, http.StatusOK},
	{"l", "/leak/heartbeat", 0, 10, http.StatusOK},
	{"m", "/leak/drain", 0, 2, http.StatusOK},
}

var (
	base   string
	addr   string
	start  = time.Now()
	load   = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	snap   = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	hangUp = &http.Client{Timeout: 400 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
)

func logf(format string, args ...any) {
	log.Printf("t=%5.1fs "+format, append([]any{time.Since(start).Seconds()}, args...)...)
}

func main() {
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("driver: ")
	// Hard stop, whatever happens: the whole run is bounded.
	time.AfterFunc(*age+90*time.Second, func() { log.Print("deadline exceeded"); os.Exit(4) })

	var err error
	if addr, err = waitAddr(*addrFile, 15*time.Second); err != nil {
		log.Fatal(err)
	}
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		log.Fatalf("refusing non-loopback address %q", addr)
	}
	base = "http://" + addr
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		log.Fatal(err)
	}

	// Warm-up: a few hits on some endpoints, so that the baseline is not empty.
	for _, e := range endpoints {
		hitN(e, e.warm)
	}
	settle()
	capture("baseline")

	// Leak build-up: the rest of the requests, plus the slow clients (f).
	for _, e := range endpoints {
		hitN(e, e.total-e.warm)
	}
	slow := openSlowClients(*slowConns)
	settle()
	capture("leaked")

	logf("waiting %v for the aged dump", *age)
	time.Sleep(*age)
	save("/debug/pprof/goroutine?debug=2", "goroutine.aged.debug2.txt")

	if *serverPID > 1 {
		logf("sending SIGQUIT to pid %d", *serverPID)
		if err := syscall.Kill(*serverPID, syscall.SIGQUIT); err != nil {
			log.Fatal(err)
		}
		waitServerGone(10 * time.Second)
	}
	for _, c := range slow { // only now: the slow clients must be in the traceback too
		c.Close()
	}
	logf("done")
}

func settle() {
	load.CloseIdleConnections()
	time.Sleep(500 * time.Millisecond) // > the 300 ms of publishQuote, and lets closed conns go away
}

// capture saves the whole set of dumps for one moment.
func capture(moment string) {
	cpuUnderLoad("cpu." + moment + ".pb.gz")
	settle()
	save("/debug/pprof/heap?gc=1", "heap."+moment+".pb.gz")
	save("/debug/pprof/allocs", "allocs."+moment+".pb.gz")
	save("/debug/pprof/block", "block."+moment+".pb.gz")
	save("/debug/pprof/mutex", "mutex."+moment+".pb.gz")
	save("/debug/pprof/threadcreate", "threadcreate."+moment+".pb.gz")
	save("/debug/pprof/goroutine", "goroutine."+moment+".pb.gz")
	save("/debug/pprof/goroutine?debug=1", "goroutine."+moment+".debug1.txt")
	save("/debug/pprof/goroutine?debug=2", "goroutine."+moment+".debug2.txt")
}

func hitN(e endpoint, n int) {
	if n <= 0 {
		return
	}
	if e.key == "a" {
		// The handler never answers: fire all at once and let each client
		// time out and hang up.
		var wg sync.WaitGroup
		var timedOut int32
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := hangUp.Get(base + e.path)
				if err == nil {
					resp.Body.Close()
					log.Fatalf("%s: unexpected answer %s", e.path, resp.Status)
				}
				var te interface{ Timeout() bool }
				if errors.As(err, &te) && te.Timeout() {
					atomic.AddInt32(&timedOut, 1)
				} else {
					log.Fatalf("%s: %v", e.path, err)
				}
			}()
		}
		wg.Wait()
		logf("%-16s x%-3d (all %d timed out on the client side, as intended)", e.path, n, timedOut)
		return
	}
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("%s?sym=S%d&sku=K%d&name=p%d", e.path, i, i, i)
		resp, err := load.Get(base + p)
		if err != nil {
			log.Fatalf("%s: %v", p, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != e.status {
			log.Fatalf("%s: got %s, want %d", p, resp.Status, e.status)
		}
	}
	logf("%-16s x%d", e.path, n)
}

// openSlowClients opens n raw TCP connections that send the request line and
// part of a header line, then nothing more.
func openSlowClients(n int) []net.Conn {
	var conns []net.Conn
	for i := 0; i < n; i++ {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\nX-Slow-Client: %d", addr, i)
		conns = append(conns, c)
	}
	logf("%-16s x%d raw TCP clients, half a header each", "(f) slow", n)
	return conns
}

func cpuUnderLoad(name string) {
	var stop int32
	var done int64
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; atomic.LoadInt32(&stop) == 0 && n < 20000; n++ {
				resp, err := load.Get(base + "/cpu/hash")
				if err != nil {
					log.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				atomic.AddInt64(&done, 1)
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	save(fmt.Sprintf("/debug/pprof/profile?seconds=%d", *cpuSeconds), name)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	logf("cpu load: %d /cpu/hash requests", done)
}

func save(p, name string) {
	time.Sleep(100 * time.Millisecond) // let the previous snapshot's connection close
	resp, err := snap.Get(base + p)
	if err != nil {
		log.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		log.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("GET %s: %s", p, resp.Status)
	}
	note := ""
	if strings.HasSuffix(name, ".pb.gz") {
		var n int
		if body, n, err = renameMapping(body, *binaryName); err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		note = fmt.Sprintf(", %d mapping path(s) rewritten", n)
	}
	dst := filepath.Join(*outDir, name)
	if err := os.WriteFile(dst+".tmp", body, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(dst+".tmp", dst); err != nil {
		log.Fatal(err)
	}
	logf("saved %-32s %7d B%s", name, len(body), note)
}

// renameMapping replaces, in the string table (field 6) of a gzipped
// profile.proto, every absolute path whose last element is bin by bin itself.
// This is the executable path the Go runtime reads from /proc/self/maps into
// Mapping.filename. All other fields are copied byte for byte.
func renameMapping(gz []byte, bin string) ([]byte, int, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, 0, err
	}
	msg, err := io.ReadAll(zr)
	if err != nil {
		return nil, 0, err
	}
	out := make([]byte, 0, len(msg))
	n := 0
	for pos := 0; pos < len(msg); {
		fieldStart := pos
		key, k := readVarint(msg[pos:])
		if k == 0 {
			return nil, 0, errors.New("truncated key")
		}
		pos += k
		switch key & 7 {
		case 0:
			_, k = readVarint(msg[pos:])
			if k == 0 {
				return nil, 0, errors.New("truncated varint")
			}
			pos += k
		case 1:
			pos += 8
		case 5:
			pos += 4
		case 2:
			l, k := readVarint(msg[pos:])
			if k == 0 || l > uint64(len(msg)-pos-k) {
				return nil, 0, errors.New("bad length")
			}
			s := string(msg[pos+k : pos+k+int(l)])
			pos += k + int(l)
			if key>>3 == 6 && strings.HasPrefix(s, "/") && filepath.Base(s) == bin {
				out = putVarint(out, key)
				out = putVarint(out, uint64(len(bin)))
				out = append(out, bin...)
				n++
				continue
			}
		default:
			return nil, 0, fmt.Errorf("wire type %d not handled", key&7)
		}
		if pos > len(msg) {
			return nil, 0, errors.New("truncated field")
		}
		out = append(out, msg[fieldStart:pos]...)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(out)
	if err := zw.Close(); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), n, nil
}

func readVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

func putVarint(b []byte, v uint64) []byte {
	for ; v >= 0x80; v >>= 7 {
		b = append(b, byte(v)|0x80)
	}
	return append(b, byte(v))
}

func waitAddr(file string, timeout time.Duration) (string, error) {
	for end := time.Now().Add(timeout); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if f, err := os.Open(file); err == nil {
			line, _ := bufio.NewReader(f).ReadString('\n')
			f.Close()
			if s := strings.TrimSpace(line); s != "" {
				return s, nil
			}
		}
	}
	return "", fmt.Errorf("no address in %s after %v", file, timeout)
}

// waitServerGone waits until the server process has died of the SIGQUIT (it
// is then a zombie until run.sh reaps it), so its traceback is complete. It
// looks at /proc rather than connecting, so as not to add a goroutine.
func waitServerGone(timeout time.Duration) {
	stat := fmt.Sprintf("/proc/%d/stat", *serverPID)
	for end := time.Now().Add(timeout); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		b, err := os.ReadFile(stat)
		if err != nil {
			logf("server gone")
			return
		}
		// pid (comm) S ...: the state letter follows the last ')'.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'Z' {
			logf("server exited")
			return
		}
	}
	log.Printf("server still running %v after SIGQUIT", timeout)
}
