import CortexM
import Foundation
import Testing
import VirtualTime

/// The machine's debugger hooks, without GDB: halts come to a delegate that scripts the
/// resumes and records what it saw.
@Suite("Debugger hooks")
struct DebugHookTests {
    final class Script: MachineDebugDelegate {
        struct Halt: Equatable {
            var pc: UInt32
            var reason: MachineHalt
            var time: DeviceTime
        }
        var halts: [Halt] = []
        var actions: [DebugResume]
        var onHalt: (Machine) -> Void = { _ in }

        init(_ actions: [DebugResume]) { self.actions = actions }

        func machine(_ machine: Machine, haltedAt pc: UInt32, because reason: MachineHalt) -> DebugResume {
            halts.append(Halt(pc: pc, reason: reason, time: machine.instructionTime))
            onHalt(machine)
            return actions.isEmpty ? .run : actions.removeFirst()
        }

        func interruptRequested() -> Bool { false }
    }

    static let words: [UInt32] = (0..<5).map { 0x100 &+ UInt32($0) }

    func sumMachine() throws -> Machine {
        let machine = try Bench.machine()
        try Bench.load(CallTests.sumProgram, into: machine)
        let data = Self.words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> ($0 * 8)) } }
        try machine.writeMemory(data, at: 0x2000_1000)
        return machine
    }

    @Test func aBreakpointHaltsBeforeItsInstructionAndEachStepCostsOneCycle() throws {
        let plain = try sumMachine()
        let expected = Bench.call(plain, arguments: [0x2000_1000, UInt32(Self.words.count)])

        let machine = try sumMachine()
        try machine.enableDebugging()
        let script = Script([.step, .step, .detach])
        machine.debugDelegate = script
        machine.setBreakpoint(at: Bench.codeBase + 0x18, hardware: false)
        let outcome = Bench.call(machine, arguments: [0x2000_1000, UInt32(Self.words.count)])

        #expect(script.halts.map(\.pc) == [Bench.codeBase + 0x18, Bench.codeBase + 0x1A, Bench.codeBase + 0x1E])
        #expect(script.halts.map(\.reason) == [.breakpoint(hardware: false), .step, .step])
        let cycle = DeviceTime.cycles(1, atHertz: 4_000_000)
        #expect(script.halts[1].time - script.halts[0].time == cycle)
        #expect(script.halts[2].time - script.halts[1].time == cycle)
        // Detached after the third halt: the loop ran on, and the run is the plain one.
        #expect(outcome == expected)
        #expect(machine.clock.now == plain.clock.now)
        #expect(machine.totalInstructions == plain.totalInstructions)
    }

    @Test func theNthExecutionOfAnInstructionIsFoundByCountingThenHaltingThere() throws {
        let counting = try sumMachine()
        try counting.enableDebugging()
        let loopLoad = Bench.codeBase + 0x14
        counting.countExecutions(of: loopLoad, until: .seconds(1))
        _ = Bench.call(counting, arguments: [0x2000_1000, UInt32(Self.words.count)])
        #expect(counting.takeExecutionCount() == Self.words.count)

        let machine = try sumMachine()
        try machine.enableDebugging()
        let script = Script([.run])
        var r2AtHalt: UInt32 = 0
        script.onHalt = { r2AtHalt = $0.readRegister(.r2) }
        machine.debugDelegate = script
        machine.haltAt(pc: loopLoad, occurrence: 3)
        _ = Bench.call(machine, arguments: [0x2000_1000, UInt32(Self.words.count)])
        #expect(script.halts.map(\.reason) == [.requested])
        // The third load reads the third word.
        #expect(r2AtHalt == 0x2000_1008)
    }

    @Test func aWatchpointOnAPeripheralHaltsBeforeTheWriteReachesIt() throws {
        let machine = try Bench.machine()
        let peripheral = RecordingPeripheral(clock: machine.clock)
        try machine.map(peripheral, base: 0x4000_0000, size: 0x400)
        try Bench.load([0x6001, 0x4770], into: machine)  // str r1, [r0]; bx lr
        try machine.enableDebugging()
        let script = Script([.step, .run])
        var writesSeenAtHalts: [Int] = []
        script.onHalt = { _ in writesSeenAtHalts.append(peripheral.accesses.filter(\.write).count) }
        machine.debugDelegate = script
        machine.setWatchpoint(.write, address: 0x4000_0000, length: 4)
        let outcome = Bench.call(machine, arguments: [0x4000_0000, 0x1234])

        #expect(outcome == .returned(r0: 0x4000_0000, r1: 0x1234))
        #expect(script.halts.map(\.reason) == [.watchpoint(.write, address: 0x4000_0000), .step])
        #expect(script.halts.map(\.pc) == [Bench.codeBase, Bench.codeBase + 2])
        #expect(writesSeenAtHalts == [0, 1])
        // The debugger's read of a peripheral without DebugReadable is refused, not performed.
        #expect(machine.debugRead(at: 0x4000_0000, count: 4) == .failure(.notReadable(address: 0x4000_0000, peripheral: "RECORDER")))
        #expect(peripheral.accesses.count == 1)
    }

    @Test func withoutEnableDebuggingNothingHalts() throws {
        let machine = try sumMachine()
        machine.setBreakpoint(at: Bench.codeBase + 0x18, hardware: false)
        machine.haltAtNextInstruction()
        #expect(!machine.isDebuggingEnabled)
        #expect(Bench.call(machine, arguments: [0x2000_1000, 1]) == .returned(r0: 0x100, r1: 0))
    }

    @Test func timeStandsStillWhileHaltedAndTheHostGuardWaits() throws {
        // Enough loop blocks after the halt for the block hook to check the host guard again.
        let words = [UInt32](repeating: 1, count: 6000)
        let machine = try Bench.machine()
        try Bench.load(CallTests.sumProgram, into: machine)
        try machine.writeMemory(words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> ($0 * 8)) } }, at: 0x2000_1000)
        try machine.enableDebugging()
        let script = Script([.detach])
        var clockAtHalt: [DeviceTime] = []
        script.onHalt = { m in
            clockAtHalt.append(m.clock.now)
            // A user thinking at the prompt for longer than the call's whole host guard.
            Thread.sleep(forTimeInterval: 0.6)
            clockAtHalt.append(m.clock.now)
        }
        machine.debugDelegate = script
        machine.setBreakpoint(at: Bench.codeBase + 0x18, hardware: false)
        let outcome = Bench.call(machine, arguments: [0x2000_1000, UInt32(words.count)],
                                 budget: CallBudget(maxInstructions: 1_000_000, hostTimeLimitSeconds: 0.3))
        #expect(clockAtHalt.count == 2 && clockAtHalt[0] == clockAtHalt[1])
        #expect(outcome == .returned(r0: 6000, r1: 0))
    }
}
