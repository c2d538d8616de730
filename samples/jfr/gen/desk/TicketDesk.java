/*
 * samples/jfr/gen/desk/TicketDesk.java - a small help-desk back end with two
 * leaks, recorded by samples/jfr/gen/run.sh into samples/jfr/ticketdesk.jfr.
 *
 *   java -Xmx256m -XX:StartFlightRecording=... desk.TicketDesk SECONDS
 *
 * - Every ticket's attachment (a 4 KiB byte[]) is kept in
 *   AttachmentArchive.ARCHIVE, a static list nobody ever trims: a leak held
 *   from a GC root (the class's static field), which jdk.OldObjectSample with
 *   path-to-gc-roots sees.
 * - Three "escalation-worker-N" threads wait on a queue no one ever feeds:
 *   parked for the whole run in LinkedBlockingQueue.take().
 * - The main thread scores each ticket (about 1 ms of CPU in
 *   TicketScorer.score), so jdk.ExecutionSample has a clear hot method.
 * Prints "tickets=N archived=N" at the end.
 */
package desk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

public class TicketDesk {
    static final class AttachmentArchive {
        static final List<byte[]> ARCHIVE = new ArrayList<>();

        static void keep(byte[] attachment) {
            synchronized (ARCHIVE) {
                ARCHIVE.add(attachment);
            }
        }
    }

    static final class TicketScorer {
        /* deterministic busy work: about a millisecond per ticket */
        static long score(long ticket) {
            long h = ticket * 0x9E3779B97F4A7C15L;
            for (int i = 0; i < 200_000; i++)
                h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L + i;
            return h;
        }
    }

    static byte[] receiveAttachment(long ticket) {
        byte[] b = new byte[4096];
        b[(int) (ticket & 4095)] = (byte) ticket;
        return b;
    }

    static volatile long sink;

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        BlockingQueue<Long> escalations = new LinkedBlockingQueue<>();   // never fed
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                try {
                    sink += escalations.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "escalation-worker-" + i);
            t.setDaemon(true);
            t.start();
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long n = 0;
        while (System.nanoTime() < end) {
            AttachmentArchive.keep(receiveAttachment(n));
            sink += TicketScorer.score(n);
            n++;
        }
        System.out.println("tickets=" + n + " archived=" + AttachmentArchive.ARCHIVE.size());
    }
}
