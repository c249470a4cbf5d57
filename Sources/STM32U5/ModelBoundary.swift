import CortexM

/// Where a register model ends.
///
/// Each block names the word offsets whose silicon behaviour it implements (status flags,
/// side effects, or plain storage where the register is plain storage on silicon). Any
/// other offset is kept as plain storage so that software reads back what it wrote, and
/// the first read and the first write of it are recorded as `.unmodeledAccess`: a failure
/// after such an access may be the lab's limit rather than the loader's mistake.
///
/// `remove(_:)` takes a modeled register out (a test-only switch: the block then treats
/// it as unknown), to show that the diagnosis blames the lab and not the loader.
public final class ModelBoundary {
    let peripheral: String
    let log: SoCEventLog
    /// One flag per word of a 1 KiB block.
    private var modeled = [Bool](repeating: false, count: 256)
    private var storage = RegisterWords()
    private var reported: Set<UInt64> = []
    /// Reset values of the block (absent = 0), to tell a harmless access to an unclocked block.
    let resetValues: [UInt32: UInt32]
    /// No clocked write since reset: every register still holds its reset value.
    var atReset = true

    init(peripheral: String, log: SoCEventLog, modeled offsets: [UInt32], resetValues: [UInt32: UInt32] = [:]) {
        self.peripheral = peripheral
        self.log = log
        self.resetValues = resetValues
        for o in offsets where o < 0x400 { modeled[Int(o >> 2)] = true }
    }

    /// An access to the block while its clock is off that changes nothing: a read of a
    /// register whose value would be 0 anyway, or a write of the value it already holds,
    /// while the block is still at reset (the W25Q512 loader clearing OCTOSPI1_CR before
    /// enabling its clock; HAL_OSPIM_Config reading OCTOSPI2_CR with OCTOSPI2 off).
    func unclockedAccessIsHarmless(offset: UInt32, width: AccessWidth, write value: UInt32?) -> Bool {
        guard atReset else { return false }
        let reset = resetValues[offset & ~3] ?? 0
        guard let value else { return RegisterAccess.extract(reset, offset: offset, width: width) == 0 }
        return RegisterAccess.merge(old: reset, offset: offset, width: width, value: value) == reset
    }

    @inline(__always) func models(_ offset: UInt32) -> Bool {
        offset < 0x400 ? modeled[Int(offset >> 2)] : false
    }

    public var modeledOffsets: [UInt32] { modeled.indices.filter { modeled[$0] }.map { UInt32($0) << 2 } }

    func remove(_ offset: UInt32) {
        if offset < 0x400 { modeled[Int(offset >> 2)] = false }
    }

    func read(offset: UInt32, width: AccessWidth, name: String) -> UInt32 {
        let reg = offset & ~3
        note(reg, name: name, write: false, value: 0)
        return RegisterAccess.extract(storage[reg], offset: offset, width: width)
    }

    func write(offset: UInt32, width: AccessWidth, value: UInt32, name: String) {
        let reg = offset & ~3
        note(reg, name: name, write: true, value: value)
        storage[reg] = RegisterAccess.merge(old: storage[reg], offset: offset, width: width, value: value)
    }

    private func note(_ reg: UInt32, name: String, write: Bool, value: UInt32) {
        let key = UInt64(reg) << 1 | (write ? 1 : 0)
        guard reported.insert(key).inserted else { return }
        log.record(.unmodeledAccess(peripheral: peripheral, register: name, write: write, value: value))
    }
}

/// The rest of the peripheral address space: blocks the lab has no model for. On silicon
/// they are other peripherals (or reserved); here they read 0, keep nothing, and every
/// first access to a word is recorded, instead of ending the call in a fault that the
/// silicon would not raise.
public final class UnmodeledPeripheralSpace: Peripheral {
    public let name: String
    let base: UInt32
    let log: SoCEventLog
    private var reported: Set<UInt64> = []

    init(name: String, base: UInt32, log: SoCEventLog) {
        self.name = name
        self.base = base
        self.log = log
    }

    public func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        note(offset, write: false, value: 0)
        return 0
    }

    public func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        note(offset, write: true, value: value)
    }

    private func note(_ offset: UInt32, write: Bool, value: UInt32) {
        let address = base &+ (offset & ~3)
        guard reported.insert(UInt64(address) << 1 | (write ? 1 : 0)).inserted else { return }
        log.record(.unmodeledAccess(peripheral: "no model", register: "0x\(hex(address))", write: write, value: value))
    }
}

extension STM32U5G7 {
    /// The peripheral address space (non-secure 0x4000_0000–0x4FFF_FFFF and its secure alias
    /// 0x5000_0000–0x5FFF_FFFF) less the modeled blocks, as catch-all regions.
    static func unmodeledSpace(around modeled: [MMIORegion], log: SoCEventLog) -> [MMIORegion] {
        let taken = modeled.filter { $0.base >= 0x4000_0000 && $0.base < 0x6000_0000 }.sorted { $0.base < $1.base }
        var gaps: [MMIORegion] = []
        var cursor: UInt32 = 0x4000_0000
        for r in taken + [MMIORegion(name: "end", base: 0x6000_0000, size: 0, peripheral: UnmodeledPeripheralSpace(name: "", base: 0, log: log))] {
            if r.base > cursor {
                let block = UnmodeledPeripheralSpace(name: "unmodeled 0x\(hex(cursor))", base: cursor, log: log)
                gaps.append(MMIORegion(name: block.name, base: cursor, size: r.base - cursor, peripheral: block))
            }
            cursor = max(cursor, r.base &+ r.size)
        }
        return gaps
    }

    /// Every register block with a declared model boundary, by the names its registers carry.
    var boundedBlocks: [(boundary: ModelBoundary, name: (UInt32) -> String)] {
        var blocks: [(ModelBoundary, (UInt32) -> String)] = [(rcc.boundary, rcc.registerName)]
        let gated: [any GatedRegisterBlock] = [pwr, flashInterface, octospim, octospi1, octospi2, icache, dcache1] + gpio
        for b in gated { blocks.append((b.boundary, b.registerName(at:))) }
        return blocks
    }

    /// Test-only switch: takes the register called `registerName` ("PWR_SVMSR") out of its
    /// model, which then treats it as unknown (plain storage, recorded as unmodeled).
    /// False when no modeled register has that name.
    @discardableResult
    public func removeFromModel(_ registerName: String) -> Bool {
        for (boundary, name) in boundedBlocks {
            for offset in boundary.modeledOffsets where name(offset) == registerName {
                boundary.remove(offset)
                return true
            }
        }
        return false
    }
}
