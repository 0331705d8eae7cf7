package dev.pictl.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The walker's rolling slots: served in ticket order whatever order the threads ask in. */
@Tag("fast")
class TurnsTest {
    @Test
    void servesTicketsInOrder_evenWhenTheLaterOnesAskFirst() throws Exception {
        Turns turns = new Turns(1);
        List<Turns.Turn> tickets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tickets.add(turns.ticket());
        }
        List<Integer> served = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch asked = new CountDownLatch(3);
        List<Thread> threads = new ArrayList<>();
        for (int i = 3; i >= 1; i--) { // the last tickets ask first
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    asked.countDown();
                    tickets.get(n).acquire();
                    served.add(n);
                    tickets.get(n).done();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(t);
            t.start();
        }
        assertTrue(asked.await(10, TimeUnit.SECONDS));
        tickets.get(0).acquire();
        served.add(0);
        tickets.get(0).done();
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertEquals(List.of(0, 1, 2, 3), served);
    }

    @Test
    void aTicketGivenUpWithoutAskingLetsTheNextOneThrough() throws Exception {
        Turns turns = new Turns(1);
        Turns.Turn first = turns.ticket();
        Turns.Turn second = turns.ticket();
        first.done(); // never acquired: its place is given up, no permit is added
        second.acquire();
        Turns.Turn third = turns.ticket();
        Thread waiting = takeAndGiveBack(third);
        waiting.join(200);
        assertTrue(waiting.isAlive(), "one permit: the third waits while the second holds it");
        second.done();
        waiting.join(10_000);
        assertTrue(!waiting.isAlive());
    }

    @Test
    void anInterruptedWaitGivesItsPlaceUp() throws Exception {
        Turns turns = new Turns(1);
        Turns.Turn holder = turns.ticket();
        holder.acquire();
        Turns.Turn interrupted = turns.ticket();
        Turns.Turn after = turns.ticket();
        Thread t = new Thread(() -> {
            try {
                interrupted.acquire();
            } catch (InterruptedException e) {
                interrupted.done();
            }
        });
        t.start();
        t.interrupt();
        t.join(10_000);
        holder.done();
        Thread last = takeAndGiveBack(after);
        last.join(10_000);
        assertTrue(!last.isAlive(), "the ticket behind the interrupted one is served");
    }

    /** A started thread that takes the turn and gives it back. */
    private static Thread takeAndGiveBack(Turns.Turn turn) {
        Thread t = new Thread(() -> {
            try {
                turn.acquire();
                turn.done();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        return t;
    }
}
