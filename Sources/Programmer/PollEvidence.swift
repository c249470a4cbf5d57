import CortexM
import Foundation
import STM32U5

extension DiagnosisContext {
    /// What a call waited on, in words: "Init polled PWR_SVMSR 201 times, reading
    /// 0x00000000 (bit 15 (ACTVOSRDY)=0, bit 1 (REGS)=0), last at pc=… (symbol), then
    /// returned 0". Empty when the call polled nothing.
    func pollEvidence(_ call: SessionRun.CallRecord) -> [String] {
        guard let poll = call.polls.first else { return [] }
        let name = poll.registerName(soc: self.run.board?.soc)
        var text = "\(call.name) polled \(name) \(poll.reads) times, reading 0x\(String(format: "%08X", poll.value))"
        let flags = StatusFlags.describe(register: name, value: poll.value)
        if !flags.isEmpty { text += " (" + flags.joined(separator: ", ") + ")" }
        text += String(format: ", last at pc=0x%08X", poll.pc)
        if let sym = self.run.symbolName(poll.pc) { text += " (\(sym))" }
        switch call.outcome {
        case .returned(let r0, _): text += ", then returned \(r0)"
        default: text += ", and was still polling when the programmer gave up"
        }
        return [text]
    }
}

extension PollRun {
    /// The register's name, or the core register block's, or the address.
    func registerName(soc: STM32U5G7?) -> String {
        if let name = soc?.registerName(at: address) { return name }
        let core: [UInt32: String] = [
            0xE000_E010: "SysTick_CTRL", 0xE000_E014: "SysTick_LOAD", 0xE000_E018: "SysTick_VAL", 0xE000_1004: "DWT_CYCCNT",
        ]
        return core[address & ~3] ?? String(format: "the register at 0x%08X", address)
    }
}
