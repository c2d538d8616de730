'use strict';
// bench/gen/v8heap/bigheap.js - builds a large, realistic object graph in a
// real node process and writes it with v8.writeHeapSnapshot(), for bench/v8.sh.
//
//   node --expose-gc --max-old-space-size=8192 bigheap.js OUT.heapsnapshot [CUSTOMERS]
//
// The graph: a CRM-like store of CUSTOMERS customers (default 260000), each
// with a name, an e-mail, a tag array, 1-6 orders of 1-5 line items pointing
// at 20000 shared Product objects, indexed by two Maps (id and e-mail); a
// session per 4 customers with an event handler closure; and two leaks, as in
// samples/v8: every session adds a 'price-change' listener to a long-lived
// EventEmitter that is never removed (its closure keeps the session and a
// 2 KiB Uint8Array), and an unbounded Map cache of rendered invoices (strings).
// Deterministic: a fixed-seed generator, no clock, no Math.random.
const EventEmitter = require('node:events');
const v8 = require('node:v8');

const out = process.argv[2];
const CUSTOMERS = Number(process.argv[3] || 260000);
if (!out || !(CUSTOMERS > 0)) throw new Error('usage: bigheap.js OUT.heapsnapshot [CUSTOMERS]');

let seed = 42;
function rnd(n) { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; }
const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman'];
const TAGS = ['vip', 'churn-risk', 'b2b', 'newsletter', 'trial', 'eu', 'us', 'apac', 'partner', 'reseller'];

class Product { constructor(id) { this.id = id; this.sku = 'SKU-' + id.toString(36); this.price = 100 + rnd(90000); } }
class LineItem { constructor(product, qty) { this.product = product; this.qty = qty; this.total = product.price * qty; } }
class Order {
  constructor(id, customer) {
    this.id = id;
    this.customer = customer;
    this.items = [];
    this.status = rnd(10) < 8 ? 'shipped' : 'open';
  }
}
class Customer {
  constructor(id) {
    this.id = id;
    this.name = FIRST[rnd(10)] + ' ' + LAST[rnd(10)] + ' #' + id;
    this.email = 'c' + id + '@example.' + (id % 7 === 0 ? 'org' : 'com');
    this.tags = [TAGS[rnd(10)], TAGS[rnd(10)]];
    this.orders = [];
  }
}
class Session { constructor(customer) { this.customer = customer; this.started = 1700000000 + customer.id; this.scratch = new Uint8Array(2048); } }

const products = [];
for (let i = 0; i < 20000; i++) products.push(new Product(i));
const byId = new Map();
const byEmail = new Map();
const priceFeed = new EventEmitter();
priceFeed.setMaxListeners(0);
const invoiceCache = new Map();
let orderId = 0;
for (let c = 0; c < CUSTOMERS; c++) {
  const cust = new Customer(c);
  for (let o = 1 + rnd(6); o > 0; o--) {
    const order = new Order(orderId++, cust);
    for (let k = 1 + rnd(5); k > 0; k--) order.items.push(new LineItem(products[rnd(products.length)], 1 + rnd(4)));
    cust.orders.push(order);
    if (rnd(8) === 0) invoiceCache.set(order.id, `invoice ${order.id} for ${cust.name}: ${order.items.length} items`);
  }
  byId.set(cust.id, cust);
  byEmail.set(cust.email, cust);
  if (c % 4 === 0) {
    const session = new Session(cust);
    priceFeed.on('price-change', function onPriceChange(p) { return session.scratch[0] + p; });
  }
}
globalThis.crm = { products, byId, byEmail, priceFeed, invoiceCache };
global.gc();
v8.writeHeapSnapshot(out);
process.stdout.write(`customers=${CUSTOMERS} orders=${orderId} listeners=${priceFeed.listenerCount('price-change')} invoices=${invoiceCache.size}\n`);
