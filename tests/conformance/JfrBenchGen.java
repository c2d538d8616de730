/*
 * tests/conformance/JfrBenchGen.java - a workload for tests/conformance/jfr_bench.sh:
 * eight threads walk random call chains (a/b/c/d, 6 to 13 deep) and
 * allocate small byte arrays at the leaves, so a recording with allocation
 * events enabled and small TLABs grows by about 10 MB per second.
 *
 *   java -XX:TLABSize=2k -XX:-ResizeTLAB \
 *        -XX:StartFlightRecording=settings=jfr_bench.jfc,maxsize=2g,filename=big.jfr \
 *        tests/conformance/JfrBenchGen.java SECONDS
 */
import java.util.*;
import java.util.concurrent.*;
public class JfrBenchGen {
    static volatile Object sink;
    static long work(int depth, int kind, long x) {
        if (depth == 0) {
            for (int i = 0; i < 50; i++) { sink = new byte[64 + (int)(x & 255)]; x = x * 6364136223846793005L + 1442695040888963407L; }
            return x;
        }
        switch ((int)((x >>> 33) % 4)) {
            case 0: return a(depth - 1, kind, x + 1);
            case 1: return b(depth - 1, kind, x + 3);
            case 2: return c(depth - 1, kind, x + 5);
            default: return d(depth - 1, kind, x + 7);
        }
    }
    static long a(int depth, int k, long x) { return work(depth, k, x * 31); }
    static long b(int depth, int k, long x) { return work(depth, k, x * 37); }
    static long c(int depth, int k, long x) { return work(depth, k, x * 41); }
    static long d(int depth, int k, long x) { return work(depth, k, x * 43); }
    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int nthreads = 8;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < nthreads; t++) {
            final int id = t;
            Thread th = new Thread(() -> {
                long x = id * 7919L + 1;
                while (System.nanoTime() < end) x = work(6 + (int)(x & 7), id, x);
                sink = x;
            }, "gen-worker-" + t);
            ts.add(th); th.start();
        }
        for (Thread th : ts) th.join();
    }
}
