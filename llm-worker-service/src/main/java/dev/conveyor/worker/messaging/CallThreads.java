package dev.conveyor.worker.messaging;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for model calls, which mostly wait (on the network, the rate gate, a back-off): virtual
 * threads when the runtime has them (Java 21+), so thousands of waits cost nothing; otherwise a
 * pool of platform threads as large as the calls allowed in flight. Built for Java 17, so the
 * virtual-thread executor is looked up at run time.
 */
final class CallThreads {

    private CallThreads() {
    }

    static ExecutorService create(int platformThreads) {
        try {
            return (ExecutorService) java.util.concurrent.Executors.class
                    .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            AtomicInteger ids = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(platformThreads, platformThreads, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "llm-call-" + ids.incrementAndGet());
                        t.setDaemon(true);
                        t.setUncaughtExceptionHandler((thread, error) -> { });
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }

    static boolean virtual() {
        try {
            java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
