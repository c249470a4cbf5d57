/// Why the machine could not be built or a host-side memory operation failed.
/// (What the *guest* does wrong is never an error: it is a `CallOutcome`.)
public enum MachineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Unicorn refused an operation; `operation` names it, `code` is the `uc_err` value.
    case unicorn(operation: String, code: UInt32, message: String)
    /// A region's base or size is not a multiple of Unicorn's 1 KiB page, or it wraps 4 GiB.
    case misalignedRegion(name: String, base: UInt32, size: UInt32)
    /// The region overlaps one already mapped.
    case overlappingRegion(name: String, base: UInt32, size: UInt32, existing: String)
    /// A host read/write touches bytes no RAM region covers (MMIO ranges are not host-accessible).
    case notRAM(address: UInt32, count: Int)

    public var description: String {
        func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16, uppercase: true) }
        switch self {
        case .unicorn(let operation, let code, let message):
            return "Machine: \(operation) failed in Unicorn (uc_err \(code): \(message))"
        case .misalignedRegion(let name, let base, let size):
            return "Machine: region \(name) at \(hex(base)) size \(hex(size)) must start and end on a 1 KiB boundary inside 4 GiB"
        case .overlappingRegion(let name, let base, let size, let existing):
            return "Machine: region \(name) at \(hex(base)) size \(hex(size)) overlaps \(existing)"
        case .notRAM(let address, let count):
            return "Machine: \(count) bytes at \(hex(address)) are not all inside mapped RAM"
        }
    }
}
