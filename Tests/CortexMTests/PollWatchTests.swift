import Testing
@testable import CortexM

/// What a wait loop looks like on the bus: the same register, the same value, read after read.
@Suite("Poll watch")
struct PollWatchTests {
    @Test("Interleaved reads (a HAL_GetTick timeout) still count the polled register's run")
    func interleavedRuns() {
        var w = PollWatch()
        for tick in 0..<50 as Range<UInt32> {
            w.read(address: 0x4602_083C, value: 0, pc: 0x100)          // PWR_SVMSR, never ready
            w.read(address: 0xE000_1004, value: tick * 7, pc: 0x200)   // DWT_CYCCNT, always moving
        }
        let runs = w.longest(minimum: 8)
        #expect(runs.map(\.address) == [0x4602_083C])
        #expect(runs.first?.reads == 50)
        #expect(runs.first?.pc == 0x100)
    }

    @Test("A value that changes starts the count again: a flag that rose is not what the code waited on")
    func changeRestarts() {
        var w = PollWatch()
        for _ in 0..<20 { w.read(address: 0x4602_0C00, value: 0x35, pc: 1) }
        w.read(address: 0x4602_0C00, value: 0x0300_0035, pc: 2)
        #expect(w.longest(minimum: 2).isEmpty)
        #expect(w.longest(minimum: 1).first?.value == 0x0300_0035)
    }

    @Test("Many distinct registers never push out a long run")
    func longRunSurvives() {
        var w = PollWatch()
        for _ in 0..<100 { w.read(address: 0x420D_1420, value: 0x20, pc: 3) }
        for a in 0..<64 as Range<UInt32> { w.read(address: 0x4000_0000 + a * 4, value: a, pc: 4) }
        #expect(w.longest(minimum: 8).first?.address == 0x420D_1420)
    }
}
