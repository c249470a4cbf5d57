import Testing
import VirtualTime
@testable import NORFlash

@Suite("Content history (proof that nothing outside a range changed)")
struct ContentHistoryTests {
    @Test("changedRanges lists exactly the erased sector and the programmed bytes")
    func rangesOfAnEraseAndAProgram() {
        let bench = Bench()
        bench.writeEnable()
        bench.send(Tx.addressed(0x21, 0x0100_0000, addressSize: 4))
        bench.waitUntilReady()
        bench.program(0x12, 0x0200_0010, pattern(32), addressSize: 4)
        #expect(bench.flash.changedRanges() == [0x0100_0000..<0x0100_1000, 0x0200_0010..<0x0200_0030])
    }

    @Test("changedRanges(since:) leaves out earlier changes; refused commands leave none")
    func since() {
        let bench = Bench()
        bench.program(0x02, 0, [0])
        let mark = bench.now
        bench.send(Tx.program(0x02, 0x100, [0]))
        bench.program(0x02, 0x200, [0, 0])
        #expect(bench.flash.changedRanges(since: mark) == [0x200..<0x202])
        #expect(bench.flash.changedRanges(fromChange: 1) == [0x200..<0x202])
    }

    @Test("a wrapped page program records both pieces")
    func wrappedProgramHistory() {
        let bench = Bench()
        bench.program(0x02, 0x0FC, pattern(8))
        #expect(bench.flash.changedRanges() == [0x000..<0x004, 0x0FC..<0x100])
    }

    @Test("every decoded command is recorded with its effective address")
    func decodedCommands() {
        let bench = Bench()
        bench.program(0x12, 0x0123_4567, [0], addressSize: 4)
        let decoded = bench.events.compactMap { e -> DecodedCommand? in
            if case .commandDecoded(let d) = e { return d } else { return nil }
        }
        #expect(decoded.map(\.opcode) == [0x06, 0x12])
        #expect(decoded.last?.effectiveAddress == 0x0123_4567)
        #expect(decoded.last?.description == "Page Program 4B 12h 1-1-1 at 0x0123_4567, 1 B")
    }
}

@Suite("Event volume")
struct EventVolumeTests {
    @Test("sequential reads that continue each other merge into one decoded entry")
    func sequentialReadsMerge() {
        let bench = Bench()
        for i in 0..<100 { bench.send(Tx.read(0x13, UInt32(i * 32), count: 32, addressSize: 4)) }
        let decoded = bench.events.compactMap { e -> DecodedCommand? in
            if case .commandDecoded(let d) = e { return d } else { return nil }
        }
        #expect(decoded.count == 1)
        #expect(decoded.first?.dataBytes == 3200 && decoded.first?.repeats == 100)
    }

    @Test("status polls collapse; a read elsewhere starts a new entry")
    func pollsCollapse() {
        let bench = Bench()
        for _ in 0..<50 { bench.send(Tx.readRegister(0x05)) }
        bench.send(Tx.read(0x13, 0x100, count: 4, addressSize: 4))
        bench.send(Tx.read(0x13, 0x900, count: 4, addressSize: 4))
        #expect(bench.flash.events.count == 3)
    }
}

@Suite("Event volume with refusals")
struct RefusalVolumeTests {
    @Test("sequential quad reads refused for QE=0 stay one decoded entry plus one refusal")
    func refusedStreamCollapses() {
        let bench = Bench()
        for i in 0..<50 {
            bench.send(Tx.read(0x6C, UInt32(i * 32), count: 32, addressSize: 4, dataLines: 4, dummy: 8))
        }
        #expect(bench.flash.events.count == 2)
        if case .commandDecoded(let d) = bench.events.first { #expect(d.repeats == 50 && d.dataBytes == 1600) }
    }

    @Test("a read after a refused one at another address starts a new entry")
    func differentOutcomeDoesNotCollapse() {
        let bench = Bench()
        bench.send(Tx.read(0x6C, 0, count: 4, addressSize: 4, dataLines: 4, dummy: 8))
        bench.send(Tx.read(0x13, 4, count: 4, addressSize: 4))
        #expect(bench.flash.events.count == 3)
    }

    @Test("draining the events between exchanges is safe")
    func drainingIsSafe() {
        let bench = Bench()
        bench.send(Tx.readRegister(0x05))
        bench.send(Tx.readRegister(0x05))
        bench.flash.events.removeAll()
        bench.send(Tx.readRegister(0x05))
        #expect(bench.flash.events.count == 1)
    }
}
