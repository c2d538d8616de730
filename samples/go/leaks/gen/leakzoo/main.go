// Command leakzoo is a small HTTP service whose /leak/* endpoints each
// reproduce one classic goroutine (or heap) leak. It exists only to produce
// real profiling dumps for memtracer's test samples (see ../../MANIFEST.md).
//
// Every request to a leak endpoint leaves exactly one leaked goroutine behind
// (two client goroutines plus one upstream goroutine for /leak/inventory; none,
// but a 64 KiB heap object, for /leak/session), so the number of leaked
// goroutines equals the number of requests the driver sent.
//
// It listens on 127.0.0.1 only and exits by itself after -max-life.
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/* on http.DefaultServeMux
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func init() {
	// Record every allocation so heap numbers in the dumps are exact.
	runtime.MemProfileRate = 1
}

type zoo struct {
	client      *http.Client // shared client with a keep-alive pool, like most services
	upstreamURL string

	seqMu sync.Mutex
	seq   map[string]int // per-prefix request counters: ids are apr-1, apr-2, ...

	mu      sync.Mutex
	cancels []context.CancelFunc // (e) cancel funcs kept "for shutdown" and never called

	ledger ledger   // (j)
	queue  jobQueue // (k)

	hashMu    sync.Mutex // contended lock for the CPU load endpoint (mutex profile)
	hashCache map[string][32]byte
}

func (z *zoo) nextID(prefix string) string {
	z.seqMu.Lock()
	defer z.seqMu.Unlock()
	z.seq[prefix]++
	return prefix + "-" + strconv.Itoa(z.seq[prefix])
}

// ---------------------------------------------------------------------------
// (a) The handler goroutine itself waits forever on an unbuffered channel:
// the approver that should answer was never started. The client gives up, but
// the handler does not watch r.Context(), so net/http's conn goroutine stays.

func (z *zoo) handleApprove(w http.ResponseWriter, r *http.Request) {
	id := z.nextID("apr")
	pprof.Do(r.Context(), pprof.Labels("endpoint", "approve", "request_id", id), func(ctx context.Context) {
		decision := make(chan bool)
		if awaitApproval(decision) {
			io.WriteString(w, "approved\n")
		}
	})
}

//go:noinline
func awaitApproval(decision <-chan bool) bool {
	return <-decision
}

// ---------------------------------------------------------------------------
// (b) Send on an unbuffered channel that nobody receives any more: the handler
// gave up after 5 ms, the slow producer then blocks forever in `out <- q`.

func (z *zoo) handleQuote(w http.ResponseWriter, r *http.Request) {
	result := make(chan float64)
	go publishQuote(result, r.URL.Query().Get("sym"))
	select {
	case q := <-result:
		fmt.Fprintf(w, "%.2f\n", q)
	case <-time.After(5 * time.Millisecond):
		http.Error(w, "quote timed out", http.StatusGatewayTimeout)
	}
}

//go:noinline
func publishQuote(out chan<- float64, sym string) {
	time.Sleep(300 * time.Millisecond) // slow pricing backend
	out <- float64(len(sym)) * 1.25
}

// ---------------------------------------------------------------------------
// (c) A select loop without a ctx.Done() case, on channels nobody uses.

func (z *zoo) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	id := z.nextID("sub")
	pprof.Do(r.Context(), pprof.Labels("endpoint", "subscribe", "request_id", id), func(ctx context.Context) {
		events := make(chan string)
		errs := make(chan error)
		go relayEvents(events, errs) // ctx is not passed on
		io.WriteString(w, "subscribed "+id+"\n")
	})
}

//go:noinline
func relayEvents(events <-chan string, errs <-chan error) {
	for {
		select {
		case e := <-events:
			log.Printf("event %s", e)
		case err := <-errs:
			log.Printf("relay stopped: %v", err)
			return
		}
	}
}

// ---------------------------------------------------------------------------
// (d) `select {}`: the "keep this goroutine alive" idiom, in a goroutine.

func (z *zoo) handlePlugin(w http.ResponseWriter, r *http.Request) {
	go runPlugin(r.URL.Query().Get("name"))
	io.WriteString(w, "plugin started\n")
}

//go:noinline
func runPlugin(name string) {
	pluginsLoaded.Add(1)
	_ = name
	select {}
}

var pluginsLoaded atomic.Int64

// ---------------------------------------------------------------------------
// (e) context.WithCancel whose cancel is stored but never called, so the
// ticker goroutine that watches ctx.Done() lives forever.

func (z *zoo) handleRefresh(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(context.Background())
	z.mu.Lock()
	z.cancels = append(z.cancels, cancel)
	z.mu.Unlock()
	go refreshLoop(ctx, 15*time.Minute)
	io.WriteString(w, "refreshing\n")
}

//go:noinline
func refreshLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			log.Printf("refresh")
		}
	}
}

// ---------------------------------------------------------------------------
// (f) needs no handler: the front http.Server in main has no ReadTimeout,
// ReadHeaderTimeout or WriteTimeout, and the driver opens raw TCP connections
// that send half a request header and then go silent.

func handleHealthz(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "ok\n")
}

// ---------------------------------------------------------------------------
// (g) http.Client response body never closed. Each call keeps its keep-alive
// connection busy, so the next call dials a new one, and every connection
// keeps a persistConn.readLoop and writeLoop goroutine here plus a conn.serve
// goroutine in the upstream server.

func (z *zoo) handleInventory(w http.ResponseWriter, r *http.Request) {
	id := z.nextID("inv")
	pprof.Do(r.Context(), pprof.Labels("endpoint", "inventory", "request_id", id), func(ctx context.Context) {
		n, err := z.fetchStock(r.URL.Query().Get("sku"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "%d\n", n)
	})
}

//go:noinline
func (z *zoo) fetchStock(sku string) (int, error) {
	resp, err := z.client.Get(z.upstreamURL + "/stock?sku=" + sku)
	if err != nil {
		return 0, err
	}
	// BUG: only the header is used; resp.Body is never read nor closed.
	if resp.StatusCode != http.StatusOK {
		return 0, errors.New(resp.Status)
	}
	return strconv.Atoi(resp.Header.Get("X-Stock"))
}

func upstreamStock(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Stock", "17")
	w.Header().Set("Content-Type", "application/octet-stream")
	var page [8 << 10]byte // the detail page nobody reads
	w.Write(page[:])
}

// ---------------------------------------------------------------------------
// (h) time.AfterFunc timers never stopped: each closure pins a 64 KiB session
// blob for two hours. A heap leak; no goroutine exists until a timer fires.

func (z *zoo) handleSession(w http.ResponseWriter, r *http.Request) {
	id := z.nextID("sess")
	scheduleEviction(id, 2*time.Hour)
	io.WriteString(w, id+"\n")
}

//go:noinline
func scheduleEviction(id string, ttl time.Duration) {
	blob := loadSessionBlob(id)
	time.AfterFunc(ttl, func() { evictSession(id, blob) }) // the *Timer is dropped: never stopped
}

//go:noinline
func loadSessionBlob(id string) []byte {
	b := make([]byte, 64<<10)
	copy(b, id)
	return b
}

func evictSession(id string, blob []byte) {
	log.Printf("evicted %s (%d bytes)", id, len(blob))
}

// ---------------------------------------------------------------------------
// (i) sync.WaitGroup.Wait that never returns: a worker returns early on an
// empty shard before it has deferred wg.Done().

func (z *zoo) handleReport(w http.ResponseWriter, r *http.Request) {
	id := z.nextID("rep")
	pprof.Do(r.Context(), pprof.Labels("endpoint", "report", "request_id", id), func(ctx context.Context) {
		go gatherShards([]string{"eu", "", "us"})
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "report "+id+" queued\n")
	})
}

//go:noinline
func gatherShards(shards []string) int {
	var wg sync.WaitGroup
	sizes := make([]int, len(shards))
	wg.Add(len(shards))
	for i, s := range shards {
		go func(i int, s string) {
			if s == "" {
				return // BUG: returns before wg.Done is deferred
			}
			defer wg.Done()
			sizes[i] = len(s)
		}(i, s)
	}
	wg.Wait()
	total := 0
	for _, n := range sizes {
		total += n
	}
	return total
}

// ---------------------------------------------------------------------------
// (j) sync.Mutex held forever: migrate() returned early at start-up without
// unlocking, so every later post() blocks in Lock.

type ledger struct {
	mu      sync.Mutex
	entries []string
}

//go:noinline
func (l *ledger) migrate(schema int) error {
	l.mu.Lock()
	if schema < 2 {
		return fmt.Errorf("ledger: schema v%d too old", schema) // BUG: l.mu stays locked
	}
	defer l.mu.Unlock()
	l.entries = l.entries[:0]
	return nil
}

//go:noinline
func (l *ledger) post(entry string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, entry)
}

func (z *zoo) handleLedger(w http.ResponseWriter, r *http.Request) {
	go z.ledger.post(z.nextID("led"))
	w.WriteHeader(http.StatusAccepted)
}

// ---------------------------------------------------------------------------
// (k) sync.Cond.Wait that is never signalled: nothing ever calls
// q.cond.Signal or Broadcast.

type jobQueue struct {
	mu   sync.Mutex
	cond *sync.Cond
	jobs []string
}

//go:noinline
func (q *jobQueue) next() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.jobs) == 0 {
		q.cond.Wait()
	}
	j := q.jobs[0]
	q.jobs = q.jobs[1:]
	return j
}

//go:noinline
func (q *jobQueue) work(name string) {
	for {
		j := q.next()
		log.Printf("%s: job %s", name, j)
	}
}

func (z *zoo) handleWorker(w http.ResponseWriter, r *http.Request) {
	go z.queue.work(z.nextID("wrk"))
	io.WriteString(w, "worker started\n")
}

// ---------------------------------------------------------------------------
// (l) goroutines sleeping in a long time.Sleep loop.

func (z *zoo) handleHeartbeat(w http.ResponseWriter, r *http.Request) {
	go heartbeat(z.nextID("hb"), time.Hour)
	io.WriteString(w, "heartbeat started\n")
}

//go:noinline
func heartbeat(name string, every time.Duration) {
	for {
		time.Sleep(every)
		log.Printf("%s: beat", name)
	}
}

// ---------------------------------------------------------------------------
// (m) receive from a nil channel: the batch's results channel was never made.

type batch struct {
	name    string
	results chan int // BUG: never initialised
}

func (z *zoo) handleDrain(w http.ResponseWriter, r *http.Request) {
	b := &batch{name: z.nextID("drn")}
	go drainResults(b)
	io.WriteString(w, "draining\n")
}

//go:noinline
func drainResults(b *batch) int {
	sum := 0
	for v := range b.results {
		sum += v
	}
	return sum
}

// ---------------------------------------------------------------------------
// CPU load (not a leak): labelled hashing with a contended cache lock.

func (z *zoo) handleHash(w http.ResponseWriter, r *http.Request) {
	id := z.nextID("hash")
	pprof.Do(r.Context(), pprof.Labels("endpoint", "hash", "request_id", id), func(ctx context.Context) {
		sum := digestRounds([]byte(id), 2000)
		z.hashMu.Lock()
		z.hashCache[id[:5]] = sum // one small key: keeps the map bounded
		time.Sleep(50 * time.Microsecond)
		z.hashMu.Unlock()
		fmt.Fprintf(w, "%x\n", sum[:8])
	})
}

//go:noinline
func digestRounds(seed []byte, rounds int) [32]byte {
	sum := sha256.Sum256(seed)
	for i := 1; i < rounds; i++ {
		sum = sha256.Sum256(sum[:])
	}
	return sum
}

// ---------------------------------------------------------------------------

func serveUpstream(ln net.Listener) {
	mux := http.NewServeMux()
	mux.HandleFunc("/stock", upstreamStock)
	srv := &http.Server{Handler: mux}
	// Every goroutine of the upstream server inherits this label.
	pprof.Do(context.Background(), pprof.Labels("server", "upstream"), func(context.Context) {
		log.Print(srv.Serve(ln))
	})
}

func main() {
	addrFile := flag.String("addr-file", "", "write the listening address (host:port) to this file")
	maxLife := flag.Duration("max-life", 4*time.Minute, "exit on its own after this long")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("leakzoo: ")

	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	time.AfterFunc(*maxLife, func() {
		log.Print("max-life reached, exiting")
		os.Exit(3)
	})

	upLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go serveUpstream(upLn)

	z := &zoo{
		client:      &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}},
		upstreamURL: "http://" + upLn.Addr().String(),
		hashCache:   map[string][32]byte{},
		seq:         map[string]int{},
	}
	z.queue.cond = sync.NewCond(&z.queue.mu)
	if err := z.ledger.migrate(1); err != nil {
		log.Printf("ledger migration skipped: %v", err)
	}

	mux := http.DefaultServeMux // already holds /debug/pprof/*
	mux.HandleFunc("/healthz", handleHealthz)
	mux.HandleFunc("/leak/approve", z.handleApprove)     // (a)
	mux.HandleFunc("/leak/quote", z.handleQuote)         // (b)
	mux.HandleFunc("/leak/subscribe", z.handleSubscribe) // (c)
	mux.HandleFunc("/leak/plugin", z.handlePlugin)       // (d)
	mux.HandleFunc("/leak/refresh", z.handleRefresh)     // (e)
	mux.HandleFunc("/leak/inventory", z.handleInventory) // (g)
	mux.HandleFunc("/leak/session", z.handleSession)     // (h)
	mux.HandleFunc("/leak/report", z.handleReport)       // (i)
	mux.HandleFunc("/leak/ledger", z.handleLedger)       // (j)
	mux.HandleFunc("/leak/worker", z.handleWorker)       // (k)
	mux.HandleFunc("/leak/heartbeat", z.handleHeartbeat) // (l)
	mux.HandleFunc("/leak/drain", z.handleDrain)         // (m)
	mux.HandleFunc("/cpu/hash", z.handleHash)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		tmp := *addrFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(ln.Addr().String()+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *addrFile); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("listening on %s (upstream %s)", ln.Addr(), upLn.Addr())

	// (f): deliberately no ReadTimeout, ReadHeaderTimeout, WriteTimeout or IdleTimeout.
	srv := &http.Server{Handler: mux}
	log.Fatal(srv.Serve(ln))
}
