/*
 * tests/conformance/JfrFolded.java - the reference reader for memtracer's
 * JFR profiles: folds the stacks of one event type with the JDK's own
 * jdk.jfr.consumer API (RecordingFile), so the C reader can be compared
 * with what the JDK decodes.
 *
 *   java tests/conformance/JfrFolded.java [--event TYPE] [--lines] [--skip-state STATE] FILE.jfr
 *
 * --skip-state STATE_SLEEPING leaves out events whose "state" is that thread
 * state: memtracer's cpu column (like grafana/jfr-parser) does not count the
 * sleeping threads' ExecutionSamples async-profiler writes in wall-clock mode.
 *
 * Prints one line per distinct stack, sorted: frames root first joined by
 * ';' (each "package.Class.method", or the method name alone when it has no
 * class; ":line" appended with --lines; "[truncated]" as the root of a
 * truncated stack), a space and the number of events. Events without a
 * stack trace count under an empty stack. As in every folded file (and
 * memtracer's writer), ';' inside a name becomes ':' and a newline a space.
 */
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

public class JfrFolded {
    static String clean(String s) {
        return s.replace(';', ':').replace('\n', ' ');
    }

    /* the name of the event's "state" (jdk.types.ThreadState), or null */
    static String stateOf(RecordedEvent e) {
        if (!e.hasField("state"))
            return null;
        Object o = e.getValue("state");
        if (o instanceof RecordedObject)
            return ((RecordedObject) o).hasField("name") ? ((RecordedObject) o).getString("name") : null;
        return o == null ? null : o.toString();
    }

    public static void main(String[] args) throws Exception {
        String event = "jdk.ExecutionSample";
        boolean lines = false;
        String skipState = null;
        String file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--event": event = args[++i]; break;
                case "--lines": lines = true; break;
                case "--skip-state": skipState = args[++i]; break;
                default: file = args[i];
            }
        }
        if (file == null) {
            System.err.println("usage: JfrFolded [--event TYPE] [--lines] FILE.jfr");
            System.exit(2);
        }
        Map<String, Long> folded = new TreeMap<>();
        try (RecordingFile rf = new RecordingFile(Path.of(file))) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                if (!e.getEventType().getName().equals(event))
                    continue;
                if (skipState != null && skipState.equals(stateOf(e)))
                    continue;
                StringBuilder sb = new StringBuilder();
                RecordedStackTrace st = e.getStackTrace();
                if (st != null) {
                    List<RecordedFrame> frames = st.getFrames();
                    if (st.isTruncated())
                        sb.append("[truncated]");
                    for (int i = frames.size() - 1; i >= 0; i--) {
                        RecordedFrame f = frames.get(i);
                        RecordedMethod m = f.getMethod();
                        if (sb.length() > 0)
                            sb.append(';');
                        String name = m == null || m.getName() == null ? "[unknown]" : m.getName();
                        if (m != null && m.getType() != null && m.getType().getName() != null
                                && !m.getType().getName().isEmpty())
                            sb.append(clean(m.getType().getName())).append('.');
                        sb.append(clean(name));
                        if (lines)
                            sb.append(':').append(f.getLineNumber());
                    }
                }
                folded.merge(sb.toString(), 1L, Long::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Long> en : folded.entrySet())
            out.append(en.getKey()).append(' ').append(en.getValue()).append('\n');
        System.out.print(out);
    }
}
