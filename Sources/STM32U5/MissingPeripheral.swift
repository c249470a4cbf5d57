import CortexM

/// The register block of a peripheral that is not there: absent on this family member
/// (OCTOSPI2 or the OCTOSPIM on a U535/U545), or present on silicon but not modelled by the
/// lab (HSPI1). Reads return 0 and writes change nothing, and every first access per
/// register is an event, so that the diagnosis can tell the user which it was.
final class MissingPeripheral: Peripheral {
    enum Kind { case absent(mcu: String), unmodelled }

    let name: String
    let kind: Kind
    let base: UInt32
    let log: SoCEventLog
    private var reported: Set<UInt32> = []

    init(name: String, kind: Kind, base: UInt32, log: SoCEventLog) {
        self.name = name
        self.kind = kind
        self.base = base
        self.log = log
    }

    private func note(_ offset: UInt32, write: Bool) {
        guard reported.insert(offset & ~3 | (write ? 1 : 0)).inserted else { return }
        switch kind {
        case .absent(let mcu): log.record(.absentPeripheral(peripheral: name, mcu: mcu, address: base &+ offset, write: write))
        case .unmodelled: log.record(.unmodelledPeripheral(peripheral: name, address: base &+ offset, write: write))
        }
    }

    public func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        note(offset, write: false)
        return 0
    }

    public func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        note(offset, write: true)
    }
}
