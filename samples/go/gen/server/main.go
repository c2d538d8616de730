// Command orderdesk is a small, deliberately flawed HTTP order service used to
// produce real Go profiling dumps for memtracer's samples and tests.
//
// It does realistic CPU work (order pricing, JSON encoding, SHA-256
// fingerprints, sorting), tags request handlers with pprof labels, and has a
// few intentional bugs:
//
//   - /orders/notify  leaks one goroutine per request, blocked forever on an
//     unbuffered channel receive (the ack is never sent);
//   - /orders/watch   leaks one goroutine per request, parked in a select that
//     has no ctx.Done() case;
//   - /orders/poll    leaks one goroutine per request, driven by a time.Ticker
//     whose context is never cancelled;
//   - /orders/archive leaks 512 KiB of heap per request into a global slice.
//
// Only the standard library is used. net/http/pprof is registered on the
// default mux.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func init() {
	// Set as early as possible so that every allocation after start-up is
	// sampled at this rate.
	runtime.MemProfileRate = 4096
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
}

// ---------------------------------------------------------------------------
// Domain model

type LineItem struct {
	SKU      string `json:"sku"`
	Qty      int    `json:"qty"`
	UnitCent int64  `json:"unit_cents"`
}

type Order struct {
	ID          string     `json:"id"`
	Customer    string     `json:"customer"`
	Region      string     `json:"region"`
	Items       []LineItem `json:"items"`
	Subtotal    int64      `json:"subtotal_cents"`
	Tax         int64      `json:"tax_cents"`
	Total       int64      `json:"total_cents"`
	Fingerprint string     `json:"fingerprint"`
	Checksum    uint64     `json:"checksum"`
}

var regions = []string{"eu-west", "eu-central", "us-east", "us-west", "ap-south"}

// Small helpers below are intentionally tiny so the compiler inlines them;
// the CPU profile then contains inlined frames.

func lineTotal(unit int64, qty int) int64 { return unit * int64(qty) }

func taxRate(region string) int64 {
	if len(region) > 0 && region[0] == 'e' {
		return 21
	}
	return 8
}

func applyTax(sub int64, rate int64) int64 { return sub * rate / 100 }

func mix(h uint64, b byte) uint64 {
	h ^= uint64(b)
	h *= 1099511628211
	return h
}

// ---------------------------------------------------------------------------
// Shared state

type inventory struct {
	mu     sync.Mutex
	stock  map[string]int
	ledger []string

	lowStock int
}

func (inv *inventory) reserve(items []LineItem) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	for _, it := range items {
		inv.stock[it.SKU] -= it.Qty
	}
	// Keep a short rolling ledger; sorting it under the lock is the kind of
	// work that makes this mutex contended.
	inv.ledger = append(inv.ledger, items[0].SKU)
	if len(inv.ledger) > 256 {
		inv.ledger = inv.ledger[len(inv.ledger)-256:]
	}
	sort.Strings(inv.ledger)
	inv.lowStock = inv.countLowStock(999_000)
}

// countLowStock scans the whole stock map; it is called with mu held.
func (inv *inventory) countLowStock(threshold int) int {
	n := 0
	for _, q := range inv.stock {
		if q < threshold {
			n++
		}
	}
	return n
}

type server struct {
	inv      inventory
	requests uint64

	// audit is drained by a single slow consumer; senders block on it.
	audit chan string

	// Heap leak: retained archive snapshots, never trimmed.
	archiveMu sync.Mutex
	archived  [][]byte

	// Ticker leak: cancel funcs are kept but never called.
	pollMu  sync.Mutex
	pollers map[string]context.CancelFunc

	quotes uint64
}

func newServer() *server {
	s := &server{
		inv:     inventory{stock: make(map[string]int)},
		audit:   make(chan string),
		pollers: make(map[string]context.CancelFunc),
	}
	for i := 0; i < 500; i++ {
		s.inv.stock[sku(i)] = 1_000_000
	}
	go s.auditLoop()
	return s
}

func sku(i int) string { return "SKU-" + strconv.Itoa(10000+i) }

func (s *server) nextID() string {
	n := atomic.AddUint64(&s.requests, 1)
	return fmt.Sprintf("req-%06d", n)
}

func (s *server) auditLoop() {
	for line := range s.audit {
		_ = line
		time.Sleep(200 * time.Microsecond)
	}
}

// ---------------------------------------------------------------------------
// CPU work

func buildOrders(rng *rand.Rand, reqID string, n int) []Order {
	orders := make([]Order, n)
	for i := range orders {
		o := &orders[i]
		o.ID = reqID + "-" + strconv.Itoa(i)
		o.Customer = "cust-" + strconv.Itoa(rng.Intn(5000))
		o.Region = regions[rng.Intn(len(regions))]
		nItems := 3 + rng.Intn(8)
		o.Items = make([]LineItem, nItems)
		for j := range o.Items {
			o.Items[j] = LineItem{SKU: sku(rng.Intn(500)), Qty: 1 + rng.Intn(9), UnitCent: int64(99 + rng.Intn(20000))}
		}
	}
	return orders
}

func priceOrders(orders []Order) {
	for i := range orders {
		o := &orders[i]
		var sub int64
		for _, it := range o.Items {
			sub += lineTotal(it.UnitCent, it.Qty)
		}
		o.Subtotal = sub
		o.Tax = applyTax(sub, taxRate(o.Region))
		o.Total = sub + o.Tax
	}
}

// fingerprintOrders hashes each order's canonical JSON several rounds.
func fingerprintOrders(orders []Order, rounds int) error {
	for i := range orders {
		o := &orders[i]
		b, err := json.Marshal(o.Items)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		for r := 1; r < rounds; r++ {
			sum = sha256.Sum256(append(sum[:], b...))
		}
		o.Fingerprint = hex.EncodeToString(sum[:8])
		o.Checksum = checksum(b, rounds)
	}
	return nil
}

// checksum runs an FNV-style mix over the payload; mix is inlined here.
func checksum(b []byte, rounds int) uint64 {
	h := uint64(14695981039346656037)
	for r := 0; r < rounds; r++ {
		for _, c := range b {
			h = mix(h, c)
		}
	}
	return h
}

func rankOrders(orders []Order) {
	sort.Slice(orders, func(i, j int) bool {
		if orders[i].Total != orders[j].Total {
			return orders[i].Total > orders[j].Total
		}
		return orders[i].ID < orders[j].ID
	})
}

// ---------------------------------------------------------------------------
// Handlers

type checkoutResponse struct {
	RequestID string  `json:"request_id"`
	Count     int     `json:"count"`
	Top       []Order `json:"top"`
	Revenue   int64   `json:"revenue_cents"`
}

func (s *server) handleCheckout(w http.ResponseWriter, r *http.Request) {
	reqID := s.nextID()
	labels := pprof.Labels("request_id", reqID, "endpoint", "checkout")
	pprof.Do(r.Context(), labels, func(ctx context.Context) {
		n := 120
		if v, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && v > 0 && v <= 2000 {
			n = v
		}
		rng := rand.New(rand.NewSource(int64(atomic.LoadUint64(&s.requests))))
		orders := buildOrders(rng, reqID, n)
		priceOrders(orders)
		if err := fingerprintOrders(orders, 24); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		rankOrders(orders)
		for i := 0; i < len(orders); i += 16 {
			s.inv.reserve(orders[i].Items)
		}
		s.audit <- reqID
		resp := checkoutResponse{RequestID: reqID, Count: len(orders), Top: orders[:5]}
		for _, o := range orders {
			resp.Revenue += o.Total
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
	})
}

// waitForAck blocks until the carrier acknowledges the notification. The
// handler only sends on ack when the carrier answered in time, which it never
// does, so this goroutine blocks forever on the unbuffered receive.
func waitForAck(reqID string, ack chan string) {
	id := <-ack
	log.Printf("ack %s for %s", id, reqID)
}

func (s *server) handleNotify(w http.ResponseWriter, r *http.Request) {
	reqID := s.nextID()
	labels := pprof.Labels("request_id", reqID, "endpoint", "notify")
	pprof.Do(r.Context(), labels, func(ctx context.Context) {
		ack := make(chan string) // unbuffered, never sent to
		go waitForAck(reqID, ack)
		select {
		case <-time.After(2 * time.Millisecond):
			// Carrier too slow: give up, but forget to tell waitForAck.
		case <-ctx.Done():
		}
		fmt.Fprintf(w, "notified %s\n", reqID)
	})
}

type watcher struct {
	updates chan Order
	closed  chan struct{}
}

// watchUpdates waits for order updates but has no ctx.Done() case, so once
// the request is gone it stays parked in select forever.
func (wt *watcher) watchUpdates(reqID string) {
	select {
	case o := <-wt.updates:
		log.Printf("%s: update for %s", reqID, o.ID)
	case <-wt.closed:
	}
}

func (s *server) handleWatch(w http.ResponseWriter, r *http.Request) {
	reqID := s.nextID()
	wt := &watcher{updates: make(chan Order), closed: make(chan struct{})}
	go wt.watchUpdates(reqID)
	fmt.Fprintf(w, "watching %s\n", reqID)
}

// pollQuotes refreshes a carrier quote on every tick until ctx is cancelled,
// which never happens.
func (s *server) pollQuotes(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			atomic.AddUint64(&s.quotes, 1)
		}
	}
}

func (s *server) handlePoll(w http.ResponseWriter, r *http.Request) {
	reqID := s.nextID()
	ctx, cancel := context.WithCancel(context.Background())
	s.pollMu.Lock()
	s.pollers[reqID] = cancel // kept "for later", never called
	s.pollMu.Unlock()
	go s.pollQuotes(ctx, 500*time.Millisecond)
	fmt.Fprintf(w, "polling %s\n", reqID)
}

// retainSnapshot keeps a 512 KiB archive buffer per request forever.
func (s *server) retainSnapshot(reqID string) int {
	buf := make([]byte, 512<<10)
	stamp := []byte(reqID + ";")
	for i := 0; i < len(buf); i += len(stamp) {
		copy(buf[i:], stamp)
	}
	s.archiveMu.Lock()
	s.archived = append(s.archived, buf)
	n := len(s.archived)
	s.archiveMu.Unlock()
	return n
}

func (s *server) handleArchive(w http.ResponseWriter, r *http.Request) {
	reqID := s.nextID()
	var n int
	pprof.Do(r.Context(), pprof.Labels("request_id", reqID, "endpoint", "archive"), func(context.Context) {
		n = s.retainSnapshot(reqID)
	})
	fmt.Fprintf(w, "archived %s (%d snapshots)\n", reqID, n)
}

func main() {
	addrFile := flag.String("addr-file", "", "write the listen address (host:port) to this file")
	listen := flag.String("listen", "127.0.0.1:0", "listen address")
	flag.Parse()

	s := newServer()
	http.HandleFunc("/orders/checkout", s.handleCheckout)
	http.HandleFunc("/orders/notify", s.handleNotify)
	http.HandleFunc("/orders/watch", s.handleWatch)
	http.HandleFunc("/orders/poll", s.handlePoll)
	http.HandleFunc("/orders/archive", s.handleArchive)
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	addr := ln.Addr().String()
	if *addrFile != "" {
		tmp := *addrFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(addr+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *addrFile); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("orderdesk listening on %s (pid %d, %s)", addr, os.Getpid(), filepath.Base(os.Args[0]))
	log.Fatal(http.Serve(ln, nil))
}
