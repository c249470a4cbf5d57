import CortexM

// What a debugger may read of the SoC's registers without disturbing the session: the
// stored value of every register whose read has no side effect. A clock-gated block reads
// 0 as on the bus, but without the event a core access would record.

extension OCTOSPI: DebugReadable {
    public func debugRead(offset: UInt32) -> UInt32? {
        guard gate.isOn() else { return 0 }
        switch offset & ~3 {
        // SR's flags update on read (TCF, the memory-mapped timeout); DR pops the FIFO.
        case Offset.sr, Offset.dr: return nil
        case Offset.fcr: return 0
        default: return readRegister(offset: offset & ~3, width: .word)
        }
    }
}

extension GPIOPort: DebugReadable {
    public func debugRead(offset: UInt32) -> UInt32? {
        gate.isOn() ? readRegister(offset: offset & ~3, width: .word) : 0
    }
}

extension OCTOSPIM: DebugReadable {
    public func debugRead(offset: UInt32) -> UInt32? {
        gate.isOn() ? readRegister(offset: offset & ~3, width: .word) : 0
    }
}
