import CortexM

/// The OCTOSPI I/O manager (RM0456 §26), at 0x420C_4000; gated by RCC_AHB2ENR1.OCTOSPIMEN.
///
/// Reset values PCR1 = 0x0301_0111 (port 1 ← OCTOSPI1) and PCR2 = 0x0705_0333 (port 2 ←
/// OCTOSPI2), as in the SVD-derived register data for the OCTOSPIM. Its registers can
/// change only while both OCTOSPIs are disabled (HAL_OSPIM_Config clears both CR.EN first);
/// otherwise the write is ignored.
public final class OCTOSPIM: Peripheral, GatedRegisterBlock {
    public let name = "OCTOSPIM"
    public enum Offset { public static let cr: UInt32 = 0x00, pcr1: UInt32 = 0x04, pcr2: UInt32 = 0x08 }
    public static let resetValues: [UInt32: UInt32] = [Offset.pcr1: 0x0301_0111, Offset.pcr2: 0x0705_0333]

    let gate: ClockGate
    let log: SoCEventLog
    let boundary: ModelBoundary
    var regs = OCTOSPIM.resetValues {
        didSet { generation &+= 1 }
    }
    /// Counts writes to `regs` (reset included), for the signal path's routing verdicts.
    private(set) var generation: UInt64 = 0
    /// The name of an OCTOSPI whose CR.EN = 1, if any.
    var enabledOCTOSPI: () -> String? = { nil }

    init(log: SoCEventLog, gate: ClockGate) {
        self.log = log
        self.gate = gate
        boundary = ModelBoundary(peripheral: "OCTOSPIM", log: log, modeled: [Offset.cr, Offset.pcr1, Offset.pcr2],
                                 resetValues: OCTOSPIM.resetValues)
    }

    func reset() {
        regs = OCTOSPIM.resetValues
        boundary.atReset = true
    }

    public var muxEnabled: Bool { (regs[Offset.cr] ?? 0) & 1 != 0 }
    /// PCRn for port 1 or 2.
    public func portControl(_ port: Int) -> UInt32 { regs[port == 1 ? Offset.pcr1 : Offset.pcr2] ?? 0 }

    func registerName(at offset: UInt32) -> String {
        [Offset.cr: "OCTOSPIM_CR", Offset.pcr1: "OCTOSPIM_PCR1", Offset.pcr2: "OCTOSPIM_PCR2"][offset]
            ?? "OCTOSPIM+0x\(String(offset, radix: 16))"
    }

    func readRegister(offset: UInt32, width: AccessWidth) -> UInt32 {
        RegisterAccess.extract(regs[offset & ~3] ?? 0, offset: offset, width: width)
    }

    func writeRegister(offset: UInt32, width: AccessWidth, value: UInt32) {
        let reg = offset & ~3
        guard reg <= Offset.pcr2 else { return }
        if let enabled = enabledOCTOSPI() {
            log.record(.ignoredWrite(peripheral: name, register: registerName(at: reg), value: value, reason: .octospiEnabled(enabled)))
            return
        }
        let writable: UInt32 = reg == Offset.cr ? 0x00FF_0001 : 0x0707_0333
        regs[reg] = RegisterAccess.merge(old: regs[reg] ?? 0, offset: offset, width: width, value: value) & writable
    }
}
