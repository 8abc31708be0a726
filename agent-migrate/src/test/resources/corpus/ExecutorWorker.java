package com.example.legacy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;

/** Runs jobs on a pool and reports progress on a schedule. */
public class ExecutorWorker {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();

    public ExecutorWorker() {
        reporter.scheduleAtFixedRate(this::report, 5, 5, TimeUnit.SECONDS);
    }

    public void submit(Runnable job) {
        pool.submit(job);
    }

    /** Waits a little for the running jobs, e.g. before a deploy. */
    public void drain() {
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            System.err.println("drain interrupted");
        }
    }

    private void report() {
        if (pool.isTerminated()) {
            System.err.println("pool gone, giving up");
            System.exit(1);
        }
    }

    @PreDestroy
    public void shutdown() {
        pool.shutdown();
    }
}
