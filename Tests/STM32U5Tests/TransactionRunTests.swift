import NORFlash
import Testing
@testable import STM32U5
import VirtualTime

/// A status-poll loop in software sends the same transaction over and over: the trace keeps
/// the first one and a repeat count, so a full-chip program does not hold millions of them.
@Suite("OCTOSPI transaction runs in the trace")
struct TransactionRunTests {
    func ready() -> Bench {
        let b = Bench()
        b.bringUp()
        _ = b.events()
        return b
    }

    /// The events, without the one-time bus clock report of the first transfer.
    func events(_ b: Bench) -> [SoCEvent] {
        b.events().filter { if case .busClock = $0 { false } else { true } }
    }

    /// Write Enable (06h) on one line, instruction only: starts on the IR write.
    func sendWriteEnable(_ b: Bench) {
        b.write(Bench.ccr, 0x0000_0001)
        b.write(Bench.ir, 0x06)
    }

    @Test("Five identical transactions in a row are the transaction and 'the same transaction 4 more times'")
    func identicalRunIsFolded() {
        let b = ready()
        for _ in 0..<5 { sendWriteEnable(b) }
        #expect(b.flash.received.count == 5, "the flash still sees every one")
        let e = events(b)
        #expect(e == [.transaction(instance: 1, SPITransaction(instruction: 0x06), delivered: true),
                      .transactionRepeated(instance: 1, times: 4)])
        #expect(e.last?.message == "OCTOSPI1 the same transaction 4 more times in a row")
    }

    @Test("A single repeat stays a second transaction event")
    func oneRepeatIsKept() {
        let b = ready()
        sendWriteEnable(b)
        sendWriteEnable(b)
        let t = SoCEvent.transaction(instance: 1, SPITransaction(instruction: 0x06), delivered: true)
        #expect(events(b) == [t, t])
    }

    @Test("A different transaction ends the run")
    func differentTransactionEndsTheRun() {
        let b = ready()
        for _ in 0..<3 { sendWriteEnable(b) }
        b.write(Bench.ir, 0x04)
        sendWriteEnable(b)
        let wren = SoCEvent.transaction(instance: 1, SPITransaction(instruction: 0x06), delivered: true)
        #expect(events(b) == [wren, .transactionRepeated(instance: 1, times: 2),
                               .transaction(instance: 1, SPITransaction(instruction: 0x04), delivered: true), wren])
    }

    @Test("Draining ends a run: the next drain starts with the transaction itself")
    func drainEndsTheRun() {
        let b = ready()
        for _ in 0..<3 { sendWriteEnable(b) }
        #expect(events(b).count == 2)
        sendWriteEnable(b)
        #expect(events(b) == [.transaction(instance: 1, SPITransaction(instruction: 0x06), delivered: true)])
    }

    @Test("The log asks to be drained every backlogLimit events, and every backlogLimit repeats of one transaction")
    func backlogIsAnnounced() {
        let b = ready()
        var drained: [[SoCEvent]] = []
        b.soc.log.backlogLimit = 4
        b.soc.log.onBacklog = {
            // Without the one-time bus clock report, as `events(_:)`.
            drained.append(b.soc.log.drain().map(\.event).filter { if case .busClock = $0 { false } else { true } })
        }
        // One transaction event, then repeats: the 4th repeat asks, and the drain sums them up.
        for _ in 0..<5 { sendWriteEnable(b) }
        #expect(drained.count == 1)
        #expect(drained.first == [.transaction(instance: 1, SPITransaction(instruction: 0x06), delivered: true),
                                  .transactionRepeated(instance: 1, times: 4)])
        // Distinct events: the 4th recorded since the drain asks again.
        for opcode: UInt32 in [0x04, 0x06, 0x04, 0x06] { b.write(Bench.ir, opcode) }
        #expect(drained.count == 2)
        #expect(drained.last?.count == 4, "\(drained.last ?? [])")
    }
}
