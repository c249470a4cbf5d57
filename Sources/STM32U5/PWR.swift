import CortexM
import VirtualTime

/// Power control (RM0456 §10), at 0x4602_0800; gated by RCC_AHB3ENR.PWREN.
///
/// VOSR.VOSRDY (b15) and BOOSTRDY (b14) fall when VOS (b17:16) or BOOSTEN (b18) change and
/// rise `readyDelay` later. SVMCR.IO2SV (b29) powers PG[15:2].
public final class PWR: Peripheral, GatedRegisterBlock {
    public let name = "PWR"
    public static let readyDelay = DeviceTime.microseconds(20)

    public enum Offset {
        public static let cr1: UInt32 = 0x00, vosr: UInt32 = 0x0C, svmcr: UInt32 = 0x10, svmsr: UInt32 = 0x3C
    }

    /// VOSR resets to range 4 with VOSRDY = 1.
    public static let resetValues: [UInt32: UInt32] = [Offset.vosr: 0x0000_8000]

    let gate: ClockGate
    let log: SoCEventLog
    let clock: VirtualClock
    var regs = PWR.resetValues
    var vosChangedAt: DeviceTime?
    var boostChangedAt: DeviceTime?
    var onChanged: () -> Void = {}

    init(clock: VirtualClock, log: SoCEventLog, gate: ClockGate) {
        self.clock = clock
        self.log = log
        self.gate = gate
    }

    /// Voltage range 1 (highest, VOS = 11) to 4 (reset, VOS = 00).
    public var voltageRange: Int { 4 - Int(RegisterAccess.field(regs[Offset.vosr] ?? 0, 16, 2)) }
    public var io2Valid: Bool { (regs[Offset.svmcr] ?? 0) & (1 << 29) != 0 }

    func registerName(at offset: UInt32) -> String {
        [Offset.cr1: "PWR_CR1", Offset.vosr: "PWR_VOSR", Offset.svmcr: "PWR_SVMCR", Offset.svmsr: "PWR_SVMSR"][offset]
            ?? "PWR+0x\(String(offset, radix: 16))"
    }

    func readRegister(offset: UInt32, width: AccessWidth) -> UInt32 {
        var v = regs[offset & ~3] ?? 0
        if offset & ~3 == Offset.vosr {
            v &= ~UInt32(0xC000)
            if vosChangedAt.map({ clock.now >= $0 + PWR.readyDelay }) ?? true { v |= 1 << 15 }
            if v & (1 << 18) != 0, boostChangedAt.map({ clock.now >= $0 + PWR.readyDelay }) ?? true { v |= 1 << 14 }
        }
        return RegisterAccess.extract(v, offset: offset, width: width)
    }

    func writeRegister(offset: UInt32, width: AccessWidth, value: UInt32) {
        let reg = offset & ~3
        let old = regs[reg] ?? 0
        let new = RegisterAccess.merge(old: old, offset: offset, width: width, value: value)
        if reg == Offset.vosr {
            if (old ^ new) & 0x3_0000 != 0 { vosChangedAt = clock.now }
            if (old ^ new) & 0x4_0000 != 0 { boostChangedAt = clock.now }
        }
        regs[reg] = new
        onChanged()
    }
}
