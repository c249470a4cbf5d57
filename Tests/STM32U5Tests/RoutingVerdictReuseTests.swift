import Board
import NORFlash
import Testing
@testable import STM32U5

/// The signal path keeps one routing verdict per transaction shape (lines, instance, FSEL,
/// FCLK) while the routing registers stay the same (`fastPaths`); every transaction must
/// still see and record exactly what computing its verdict again would.
@Suite("Routing verdicts reused per transaction shape")
struct RoutingVerdictReuseTests {
    /// IO3 (PE15) left as a pulled-up input, so quad phases lose a line and 1-line ones do not;
    /// then the program mixes 1-line and quad commands, rewires pins, slows a pin and changes
    /// the prescaler. Returns the bench's events and the bytes each read returned.
    static func run(fastPaths: Bool) -> (events: [SoCEvent], reads: [[UInt8]], verdicts: Int, flash: [SPITransaction]) {
        let b = Bench()
        b.soc.fastPaths = fastPaths
        b.enableClocks()
        b.configureBoardPins(except: .io3)
        b.configurePin(Pin("PE15")!, af: 0, pullUp: true)
        b.modify(Bench.gpio(4), clear: 3 << 30, set: 0)
        b.routePort1ToOCTOSPI1()
        b.initOCTOSPI1()
        b.flash.memory[0] = 0x00
        var reads: [[UInt8]] = []
        func cycle() {
            b.command(0x06, ccr: 0x0000_0001)
            reads.append(b.command(0x6C, ccr: 0x0300_3101, address: 0, dummy: 8, read: 2))
            reads.append(b.command(0x05, ccr: 0x0100_0001, read: 1))
            b.command(0x34, ccr: 0x0300_3101, address: 0x10, write: [0x12, 0x34])
            reads.append(b.command(0x9F, ccr: 0x0100_0001, read: 3))
        }
        cycle()
        cycle()
        // IO3 routed: the quad commands are whole again.
        b.configurePin(Pin("PE15")!, af: 10)
        cycle()
        // IO0's OSPEEDR changed: every verdict is computed again.
        b.modify(Bench.gpio(4) + 0x08, clear: 3 << 24, set: 0)
        cycle()
        // Another FCLK: a new key for every shape.
        b.write(Bench.cr, 3 << 8)
        b.write(Bench.dcr2, 0)
        b.write(Bench.cr, 3 << 8 | 1)
        cycle()
        // IO3 unrouted again, by its alternate function this time.
        b.configurePin(Pin("PE15")!, af: 3)
        cycle()
        return (b.events(), reads, b.soc.signalPath.verdictsComputed, b.flash.received)
    }

    @Test("Reused verdicts give the same events, data and flash traffic as verdicts computed for every transaction")
    func sameAsRecomputing() {
        let fast = Self.run(fastPaths: true)
        let slow = Self.run(fastPaths: false)
        #expect(fast.events == slow.events)
        #expect(fast.reads == slow.reads)
        #expect(fast.flash == slow.flash)
        // Without reuse, one verdict per transaction (6 cycles of 5).
        #expect(slow.verdicts == 30)
        // With it, one per shape (WREN; the quad read and quad write share their lines; the
        // 1-line register reads) and wiring (the first, then four changes), not per transaction.
        #expect(fast.verdicts == 3 * 5, "\(fast.verdicts)")
    }

    @Test("A blocked line is reported again each time a transaction using it follows one that did not")
    func blockedLineReportedAfterCleanTransaction() {
        let events = Self.run(fastPaths: true).events
        let io3 = events.filter { if case .signalBlocked(1, .io3, _, _) = $0 { return true }; return false }
        // Two cycles with PE15 an input, one with the wrong AF: two quad commands per cycle,
        // each after a 1-line command that used no blocked line.
        #expect(io3.count == 6, "\(io3)")
    }
}
