import CortexM
import Testing
import VirtualTime

@Suite("Budgets and limits")
struct BudgetTests {
    @Test func aSpinForeverEndsWithTheBudgetAndTheLoopAsHottestPC() throws {
        let machine = try Bench.machine()
        try Bench.load([0xBF00, 0xE7FE], into: machine)  // nop; b .
        machine.symbols = [MachineSymbol(name: "WaitForever", address: Bench.codeBase | 1, size: 4)]

        let outcome = Bench.call(machine, budget: CallBudget(maxInstructions: 50_000, hostTimeLimitSeconds: 10))

        guard case .budgetExhausted(let instructions, let hottest) = outcome else {
            Issue.record("expected the budget to run out, got \(outcome)"); return
        }
        #expect(instructions <= 50_000 && instructions >= 49_999)
        #expect(hottest.first?.pc == Bench.codeBase + 2)
        #expect(hottest.first?.symbol == SymbolLocation(name: "WaitForever", offset: 2))
    }

    @Test func aDeviceTimeLimitStopsASpinInVirtualTime() throws {
        let machine = try Bench.machine(coreHz: 4_000_000)
        try Bench.load([0xE7FE], into: machine)  // b .
        let start = machine.clock.now

        let outcome = Bench.call(machine, budget: CallBudget(maxInstructions: 100_000_000, deviceTimeLimit: .milliseconds(1)))

        guard case .deviceTimeExceeded(let limit, _) = outcome else { Issue.record("expected a device timeout, got \(outcome)"); return }
        #expect(limit == .milliseconds(1))
        // 1 ms at 4 MHz is 4000 one-cycle instructions: the clock stops just past the limit.
        #expect(machine.clock.now - start > .milliseconds(1))
        #expect(machine.clock.now - start <= .milliseconds(1) + .nanoseconds(250))
    }

    @Test func theHostGuardStopsAnUnboundedSpin() throws {
        let machine = try Bench.machine()
        try Bench.load([0xE7FE], into: machine)  // b .
        let outcome = Bench.call(machine, budget: CallBudget(maxInstructions: .max, hostTimeLimitSeconds: 0.2))
        guard case .hostTimeExceeded(let seconds, let hottest) = outcome else { Issue.record("expected the host guard, got \(outcome)"); return }
        #expect(seconds == 0.2)
        #expect(hottest.first?.pc == Bench.codeBase)
    }
}
