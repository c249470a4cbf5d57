import CortexM
import VirtualTime

/// Power control (RM0456 §10), at 0x4602_0800; gated by RCC_AHB3ENR.PWREN.
///
/// A VOS change (VOSR b17:16) drops VOSR.VOSRDY (b15) and SVMSR.ACTVOSRDY (b15); both rise
/// `readyDelay` later, when SVMSR.ACTVOS (b17:16) takes the new value (HAL
/// `HAL_PWREx_ControlVoltageScaling` waits for both, ~201 polls at 4 MHz). BOOSTRDY (b14)
/// rises `readyDelay` after BOOSTEN (b18). CR3.REGSEL (b1) moves SVMSR.REGS (b1) after
/// `readyDelay` (`HAL_PWREx_ConfigSupply`). SVMCR.IO2SV (b29) powers PG[15:2]. Reset
/// values: VOSR 0x0000_8000, SVMSR 0x0000_8000 (range 4, ready; confirmed in ST's
/// stm32u5g7xx.h bit map and SVD-derived register data).
public final class PWR: Peripheral, GatedRegisterBlock {
    public let name = "PWR"
    public static let readyDelay = DeviceTime.microseconds(20)

    public enum Offset {
        public static let cr1: UInt32 = 0x00, cr2: UInt32 = 0x04, cr3: UInt32 = 0x08, vosr: UInt32 = 0x0C, svmcr: UInt32 = 0x10
        public static let dbpr: UInt32 = 0x28, ucpdr: UInt32 = 0x2C, sr: UInt32 = 0x38, svmsr: UInt32 = 0x3C
    }

    public static let resetValues: [UInt32: UInt32] = [Offset.vosr: 0x0000_8000]
    static let names: [UInt32: String] = [
        Offset.cr1: "PWR_CR1", Offset.cr2: "PWR_CR2", Offset.cr3: "PWR_CR3", Offset.vosr: "PWR_VOSR",
        Offset.svmcr: "PWR_SVMCR", Offset.dbpr: "PWR_DBPR", Offset.ucpdr: "PWR_UCPDR", Offset.sr: "PWR_SR",
        Offset.svmsr: "PWR_SVMSR",
    ]

    let gate: ClockGate
    let log: SoCEventLog
    let clock: VirtualClock
    let boundary: ModelBoundary
    var regs = PWR.resetValues {
        didSet { generation &+= 1 }
    }
    /// Counts writes to `regs` (reset included), for the signal path's routing verdicts.
    private(set) var generation: UInt64 = 0
    var vosChangedAt: DeviceTime?
    var boostChangedAt: DeviceTime?
    var regselChangedAt: DeviceTime?
    /// SVMSR.ACTVOS before the last VOS change completed.
    var appliedVOS: UInt32 = 0
    var onChanged: () -> Void = {}

    init(clock: VirtualClock, log: SoCEventLog, gate: ClockGate) {
        self.clock = clock
        self.log = log
        self.gate = gate
        // CR1/CR2 (low-power modes), DBPR and UCPDR are plain configuration bits for a loader.
        boundary = ModelBoundary(peripheral: "PWR", log: log, modeled: Array(PWR.names.keys), resetValues: PWR.resetValues)
    }

    /// Voltage range 1 (highest, VOS = 11) to 4 (reset, VOS = 00), as requested in VOSR.
    public var voltageRange: Int { 4 - Int(RegisterAccess.field(regs[Offset.vosr] ?? 0, 16, 2)) }
    public var io2Valid: Bool { (regs[Offset.svmcr] ?? 0) & (1 << 29) != 0 }

    private func settled(_ since: DeviceTime?) -> Bool { since.map { clock.now >= $0 + PWR.readyDelay } ?? true }

    func registerName(at offset: UInt32) -> String { PWR.names[offset] ?? "PWR+0x\(String(offset, radix: 16))" }

    func readRegister(offset: UInt32, width: AccessWidth) -> UInt32 {
        let reg = offset & ~3
        var v = regs[reg] ?? 0
        switch reg {
        case Offset.vosr:
            v &= ~UInt32(0xC000)
            if settled(vosChangedAt) { v |= 1 << 15 }
            if v & (1 << 18) != 0, settled(boostChangedAt) { v |= 1 << 14 }
        case Offset.svmsr:
            let vos = RegisterAccess.field(regs[Offset.vosr] ?? 0, 16, 2)
            if settled(vosChangedAt) { appliedVOS = vos }
            v = appliedVOS << 16 | (settled(vosChangedAt) ? 1 << 15 : 0)
            let smps = (regs[Offset.cr3] ?? 0) & 2 != 0
            if smps == settled(regselChangedAt) { v |= 2 }
        case Offset.sr: v = 0
        default: break
        }
        return RegisterAccess.extract(v, offset: offset, width: width)
    }

    func writeRegister(offset: UInt32, width: AccessWidth, value: UInt32) {
        let reg = offset & ~3
        guard reg != Offset.svmsr, reg != Offset.sr else { return }
        let old = regs[reg] ?? 0
        let new = RegisterAccess.merge(old: old, offset: offset, width: width, value: value)
        if reg == Offset.vosr {
            if (old ^ new) & 0x3_0000 != 0 {
                if settled(vosChangedAt) { appliedVOS = RegisterAccess.field(old, 16, 2) }
                vosChangedAt = clock.now
            }
            if (old ^ new) & 0x4_0000 != 0 { boostChangedAt = clock.now }
        }
        if reg == Offset.cr3, (old ^ new) & 2 != 0 { regselChangedAt = clock.now }
        regs[reg] = new
        onChanged()
    }
}
