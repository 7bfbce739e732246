package dev.conveyor.worker.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import dev.conveyor.local.Database;
import dev.conveyor.testing.PostgresTestResource;
import dev.conveyor.worker.service.BudgetLedger;
import dev.conveyor.worker.service.PacedSlots;

/**
 * Two worker instances' stores (each its own connections) on one real PostgreSQL, used from
 * several threads at once: they take distinct slots of one rate-limit schedule, and together
 * spend a run's budget exactly once.
 */
class SharedStoreIT {

    private static DataSource one;
    private static DataSource other;

    @BeforeAll
    static void database() throws Exception {
        Database server = PostgresTestResource.server();
        String name = "worker_store_" + ProcessHandle.current().pid();
        server.recreate(List.of(name));
        one = dataSource(server, name);
        other = dataSource(server, name);
        WorkerStoreSchema.create(one);
        WorkerStoreSchema.create(other); // a second instance starting finds the tables
    }

    @Test
    void shouldGiveEveryCallOfEveryInstanceASlotOfItsOwnOnOneSchedule() throws Exception {
        String model = "gpt-test-" + System.nanoTime();
        List<PostgresSharedLimits> instances = List.of(new PostgresSharedLimits(one), new PostgresSharedLimits(other));
        instances.get(1).rateLimited(model, 0); // a 429 seen by one instance: both pace evenly
        assertThat(instances.get(0).paced(model)).isTrue();
        // 6,000 RPM paced at 97 %: one call every 10.31 ms
        PacedSlots.Rates rates = new PacedSlots.Rates(6_000, Double.POSITIVE_INFINITY, 1_000_000);
        List<Long> slots = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(120);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            PostgresSharedLimits store = instances.get(t % 2);
            done.add(threads.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    PacedSlots.Decision d;
                    while (!(d = store.reserve(model, rates, 1, 250_000)).granted()) {
                        TimeUnit.MICROSECONDS.sleep(Math.max(1_000, d.waitMicros()));
                    }
                    slots.add(d.next().requestTat());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        long interval = (long) Math.ceil(60e6 / (6_000 * 0.97));
        List<Long> sorted = new ArrayList<>(slots);
        Collections.sort(sorted);
        assertThat(sorted).hasSize(120).doesNotHaveDuplicates();
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i) - sorted.get(i - 1)).as("gap before slot %d", i).isGreaterThanOrEqualTo(interval);
        }
    }

    /**
     * The window log goes through the store: after seven 139-token calls granted by two instances
     * (a 1,000-token window holds seven), the eighth waits for the first to be a window and the
     * margin old, not for the even schedule's next slot (1,003 ms after the first).
     */
    @Test
    void shouldKeepTheWindowLogOfEveryInstanceInTheStore() throws Exception {
        String model = "gpt-window-" + System.nanoTime();
        List<PostgresSharedLimits> instances = List.of(new PostgresSharedLimits(one), new PostgresSharedLimits(other));
        instances.get(0).rateLimited(model, 0);
        long margin = 300_000;
        PacedSlots.Rates rates = new PacedSlots.Rates(600, 60_000, 1_000_000, margin);
        long before = System.nanoTime();
        for (int i = 0; i < 7; i++) {
            PacedSlots.Decision d;
            while (!(d = instances.get(i % 2).reserve(model, rates, 139, 0)).granted()) {
                TimeUnit.MICROSECONDS.sleep(Math.max(1_000, d.waitMicros()));
            }
        }
        PacedSlots.Decision eighth = instances.get(1).reserve(model, rates, 139, 0);
        long elapsedMicros = (System.nanoTime() - before) / 1000;

        assertThat(eighth.granted()).isFalse();
        assertThat(eighth.waitMicros()).as("until the first call is 1.3 s old (%d us have passed)", elapsedMicros)
                .isGreaterThanOrEqualTo(1_000_000 + margin - elapsedMicros - 5_000);
    }

    /**
     * What later 429s teach and the lapse of pacing go through the store: a 429 one instance sees
     * after the first burst's widens the margin the other counts with, and a schedule without a
     * 429 for the lapse is unpaced for every instance. The row's times are moved back by SQL
     * rather than waited for.
     */
    @Test
    void shouldShareAWidenedMarginAndTheLapseOfPacingThroughTheStore() throws Exception {
        String model = "gpt-later-" + System.nanoTime();
        PostgresSharedLimits first = new PostgresSharedLimits(one);
        PostgresSharedLimits second = new PostgresSharedLimits(other);
        first.rateLimited(model, 0);
        assertThat(row(model, "extra_margin")).as("the first 429 only paces").isZero();
        execute("UPDATE rate_limit_schedule SET pace_changed_at = pace_changed_at - 3000000 WHERE limit_key = '"
                + model + "'");

        second.rateLimited(model, 0); // a later 429, seen by the other instance

        assertThat(row(model, "extra_margin")).isEqualTo(5_000);
        PacedSlots.Rates rates = new PacedSlots.Rates(600, 60_000, 1_000_000, 10_000, 60_000_000);
        PacedSlots.Decision paced = first.reserve(model, rates, 139, 1_000_000);
        assertThat(paced.granted()).isTrue();
        assertThat(paced.next().paced()).isTrue();
        assertThat(paced.next().extraMarginMicros()).isEqualTo(5_000);

        execute("UPDATE rate_limit_schedule SET last_limited_at = last_limited_at - 61000000 WHERE limit_key = '"
                + model + "'");
        PacedSlots.Decision lapsed = second.reserve(model, rates, 139, 1_000_000);

        assertThat(lapsed.granted()).isTrue();
        assertThat(lapsed.next().paced()).isFalse();
        assertThat(first.paced(model)).as("unpaced for every instance").isFalse();
        assertThat(row(model, "extra_margin")).as("what the 429s taught stays").isEqualTo(5_000);
    }

    private static long row(String model, String column) throws Exception {
        try (Connection c = one.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + column + " FROM rate_limit_schedule WHERE limit_key = '"
                        + model + "'")) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = one.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    @Test
    void shouldSpendARunsBudgetOnceWhateverTheInstancesAndThreads() throws Exception {
        String run = "run-" + System.nanoTime();
        List<PostgresBudgetLedger> instances = List.of(new PostgresBudgetLedger(one), new PostgresBudgetLedger(other));
        BudgetLedger.Limits limits = new BudgetLedger.Limits(1_000L, null);
        AtomicInteger calls = new AtomicInteger();
        AtomicLong spent = new AtomicLong();
        List<String> refusals = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            PostgresBudgetLedger ledger = instances.get(t % 2);
            done.add(threads.submit(() -> {
                while (true) {
                    BudgetLedger.Decision d = ledger.reserve(run, limits, 300, 0, Duration.ofMinutes(1));
                    if (d instanceof BudgetLedger.Exhausted x) {
                        refusals.add(x.reason());
                        return null;
                    }
                    if (d instanceof BudgetLedger.Granted g) {
                        calls.incrementAndGet(); // the call: reserves 300, uses 250
                        spent.addAndGet(250);
                        ledger.settle(run, g.reservationId(), 250, 0);
                    } else {
                        TimeUnit.MILLISECONDS.sleep(5);
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(calls.get()).as("250 a call against 1,000: four calls, none in flight past the budget").isEqualTo(4);
        assertThat(refusals).hasSize(8).allMatch(r -> r.equals("budget reached: spent 1000 of 1000 tokens"));
        try (Connection c = one.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT spent_tokens, (SELECT count(*) FROM run_budget_reservation"
                        + " WHERE run_id = '" + run + "') FROM run_budget_ledger WHERE run_id = '" + run + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(spent.get()).isEqualTo(1_000);
            assertThat(rs.getLong(2)).as("reservations left").isZero();
        }
    }

    private static DataSource dataSource(Database server, String name) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(server.jdbcUrl(name));
        ds.setUser(server.user());
        ds.setPassword(server.password());
        return ds;
    }
}
