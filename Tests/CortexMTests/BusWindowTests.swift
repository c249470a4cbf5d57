import CortexM
import Testing
import VirtualTime

/// A FIFO on the bus that answers from a `BusWindow`, as the OCTOSPI does: writing LEN
/// (0x40) starts a write of that many bytes through DR (0x50), writing RLEN (0x44) a read of
/// that many; SR (0x20) has bit 2 "ready", bit 1 "done" (the last transfer completed), bit 5
/// "busy", and in a read its low bit says 8 bytes or fewer are left. The window stops short
/// of every access that changes SR.
final class WindowedFIFO: WindowedPeripheral {
    enum State: Equatable {
        case idle
        case writing(expected: Int, bytes: [UInt8])
        case reading(data: [UInt8], next: Int)
    }

    let name = "FIFO"
    var state = State.idle
    var done = false
    var written: [[UInt8]] = []
    /// Accesses the model itself saw (the window's are not among them).
    var modelAccesses = 0
    var quiet: DeviceTime?
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
    static let tail = 8

    deinit { buffer.deallocate() }

    var quietUntil: DeviceTime? { quiet }

    var status: UInt32 {
        switch state {
        case .idle: return 0x4 | (done ? 0x2 : 0)
        case .writing: return 0x24
        case .reading(let data, let next): return 0x24 | (data.count - next <= Self.tail ? 1 : 0)
        }
    }

    func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        modelAccesses += 1
        switch offset {
        case 0x20: return status
        case 0x50:
            guard case .reading(let data, let next) = state, next < data.count else { return 0 }
            let n = min(width.rawValue, data.count - next)
            var value: UInt32 = 0
            for i in 0..<n { value |= UInt32(data[next + i]) << UInt32(8 * i) }
            state = next + n == data.count ? .idle : .reading(data: data, next: next + n)
            if next + n == data.count { done = true }
            return value
        default: return 0
        }
    }

    func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        modelAccesses += 1
        switch offset {
        case 0x40:
            state = .writing(expected: Int(value), bytes: [])
            done = false
        case 0x44:
            state = .reading(data: (0..<Int(value)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }, next: 0)
            done = false
        case 0x50:
            guard case .writing(let expected, var bytes) = state else { return }
            for i in 0..<min(width.rawValue, expected - bytes.count) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * i))) }
            if bytes.count == expected {
                written.append(bytes)
                state = .idle
                done = true
            } else {
                state = .writing(expected: expected, bytes: bytes)
            }
        default: break
        }
    }

    func openBusWindow() -> BusWindow? {
        switch state {
        case .idle:
            return BusWindow(statusOffset: 0x20, statusValue: status, dataOffset: 0x50, data: .none)
        case .writing(let expected, let bytes):
            let room = min(expected - bytes.count - 1, 64)
            return BusWindow(statusOffset: 0x20, statusValue: status, dataOffset: 0x50, data: room > 0 ? .write(buffer, limit: room) : .none)
        case .reading(let data, let next):
            let room = min(data.count - next - Self.tail - 1, 64)
            guard room > 0 else { return nil }
            for i in 0..<room { buffer[i] = data[next + i] }
            return BusWindow(statusOffset: 0x20, statusValue: status, dataOffset: 0x50, data: .read(buffer, limit: room))
        }
    }

    func busWindowClosed(bytesMoved: Int) {
        switch state {
        case .writing(let expected, let bytes):
            state = .writing(expected: expected, bytes: bytes + Array(UnsafeBufferPointer(start: buffer, count: bytesMoved)))
        case .reading(let data, let next):
            state = .reading(data: data, next: next + bytesMoved)
        case .idle:
            precondition(bytesMoved == 0)
        }
    }
}

/// A model's bus window answers its hot registers in C with exactly the effects the Swift
/// path has: the same result, bytes, poll runs, bus accesses, time, instructions and faults.
@Suite("Bus windows")
struct BusWindowTests {
    /// HAL_OSPI_Transmit then HAL_OSPI_Receive in miniature (r0 = FIFO, r1 = source, r2 =
    /// count): per byte, poll SR bit 2, then one DR access; wait for "done" between; returns
    /// the sum of the bytes read.
    static let transfer: [UInt16] = [
        0xB570, 0x4616, 0x6402, 0x6A03, 0xF013, 0x0F04, 0xD0FB, 0xF811, 0x3B01, 0xF880, 0x3050, 0x3A01, 0xD1F5,
        0x6A03, 0xF013, 0x0F02, 0xD0FB, 0x6446, 0x2400, 0x6A03, 0xF013, 0x0F04, 0xD0FB, 0xF890, 0x5050, 0x442C,
        0x3E01, 0xD1F6, 0x4620, 0xBD70,
    ]
    /// `ldr r3, [r0, r2]` with r2 = 0x20 r1 times, then once more from the same instruction
    /// with r2 = 0x21: an unaligned word read of SR that Unicorn splits into reads at 0x20 and 0x24.
    static let unalignedStatus: [UInt16] = [0x2220, 0x5883, 0x3901, 0xD1FC, 0x2A21, 0xD002, 0x2221, 0x2101, 0xE7F7, 0x4770]
    /// `1: ldr r3, [r0, #0x20]; tst r3, #8; beq 1b`: waits for a bit SR never has.
    static let stuckStatus: [UInt16] = [0x6A03, 0xF013, 0x0F08, 0xD0FB, 0x4770]

    struct Run: Equatable {
        var outcome: CallOutcome
        var written: [[UInt8]]
        var polls: [PollRun]
        var busAccesses: UInt64
        var now: DeviceTime
        var instructions: UInt64
        var folds: WaitLoopFoldStatistics
        var windowAccesses: UInt64
        var modelAccesses: Int
    }

    static func run(_ program: [UInt16], arguments: [UInt32], windows: Bool, quiet: DeviceTime? = nil,
                    maxInstructions: UInt64 = 1_000_000) throws -> Run {
        let machine = try Bench.machine()
        machine.opensBusWindows = windows
        let fifo = WindowedFIFO()
        fifo.quiet = quiet
        try machine.map(fifo, base: 0x4000_0000, size: 0x400)
        try Bench.load(program, into: machine)
        try machine.writeMemory((0..<600).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }, at: 0x2000_4000)
        let outcome = Bench.call(machine, arguments: arguments, budget: CallBudget(maxInstructions: maxInstructions, hostTimeLimitSeconds: 60))
        return Run(outcome: outcome, written: fifo.written, polls: machine.pollRuns(minimum: 1), busAccesses: machine.busAccesses,
                   now: machine.clock.now, instructions: machine.totalInstructions, folds: machine.waitLoopFoldStatistics,
                   windowAccesses: machine.busWindowAccesses, modelAccesses: fifo.modelAccesses)
    }

    /// Everything but who answered.
    static func expectSame(_ fast: Run, _ slow: Run) {
        var a = fast, b = slow
        a.windowAccesses = 0
        b.windowAccesses = 0
        a.modelAccesses = 0
        b.modelAccesses = 0
        #expect(a == b)
        #expect(slow.windowAccesses == 0)
    }

    @Test("A byte-per-DR transfer: the window answers most accesses, with the Swift path's bytes, poll runs, counts and time")
    func transferLoop() throws {
        let arguments: [UInt32] = [0x4000_0000, 0x2000_4000, 600]
        let fast = try Self.run(Self.transfer, arguments: arguments, windows: true)
        let slow = try Self.run(Self.transfer, arguments: arguments, windows: false)
        Self.expectSame(fast, slow)
        let sum = (0..<600).reduce(UInt32(0)) { $0 + UInt32(UInt8(truncatingIfNeeded: $1 &* 7 &+ 3)) }
        #expect(fast.outcome == .returned(r0: sum, r1: 0x2000_4000 + 600), "\(fast.outcome)")
        #expect(fast.written == [(0..<600).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }])
        // 600 writes and 600 reads with an SR read before each, and the "done" polls.
        #expect(fast.busAccesses >= 2_400)
        #expect(fast.windowAccesses + UInt64(fast.modelAccesses) == fast.busAccesses)
        #expect(fast.windowAccesses > fast.busAccesses * 9 / 10, "the window answered \(fast.windowAccesses) of \(fast.busAccesses)")
    }

    @Test("Stopped by the budget inside the window's run: the same state on both paths", arguments: [500, 2_001, 7_777])
    func budgetStopsInsideTheWindow(instructions: Int) throws {
        let arguments: [UInt32] = [0x4000_0000, 0x2000_4000, 600]
        let fast = try Self.run(Self.transfer, arguments: arguments, windows: true, maxInstructions: UInt64(instructions))
        let slow = try Self.run(Self.transfer, arguments: arguments, windows: false, maxInstructions: UInt64(instructions))
        guard case .budgetExhausted = fast.outcome else {
            Issue.record("\(fast.outcome)")
            return
        }
        Self.expectSame(fast, slow)
        #expect(fast.windowAccesses > 0)
    }

    @Test("An unaligned SR read from an instruction the window has seen aligned faults as on the Swift path, poll count included")
    func unalignedReadFromAKnownInstruction() throws {
        let fast = try Self.run(Self.unalignedStatus, arguments: [0x4000_0000, 50], windows: true)
        let slow = try Self.run(Self.unalignedStatus, arguments: [0x4000_0000, 50], windows: false)
        Self.expectSame(fast, slow)
        guard case .faulted(let fault) = fast.outcome else {
            Issue.record("\(fast.outcome)")
            return
        }
        #expect(fault.kind == .unalignedAccess(address: 0x4000_0021, width: .word, access: .read))
        #expect(fault.pc == Bench.codeBase + 2)
        #expect(fast.windowAccesses > 0)
    }

    @Test("A stuck status poll (the model says only software changes it): the fold's search starts at the same read, folds the same turns")
    func stuckPollIsFoldedTheSame() throws {
        let fast = try Self.run(Self.stuckStatus, arguments: [0x4000_0000], windows: true, quiet: .never, maxInstructions: 200_000)
        let slow = try Self.run(Self.stuckStatus, arguments: [0x4000_0000], windows: false, quiet: .never, maxInstructions: 200_000)
        Self.expectSame(fast, slow)
        #expect(fast.folds.folds > 0, "\(fast.folds)")
        guard case .budgetExhausted = fast.outcome else {
            Issue.record("\(fast.outcome)")
            return
        }
        #expect(fast.windowAccesses > 0)
    }
}
