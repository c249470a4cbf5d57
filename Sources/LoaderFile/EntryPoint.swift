/// A function the host calls, found by its global symbol.
public struct EntryPoint: Equatable, Sendable {
    /// The names CubeProgrammer looks up (cubeprogrammer-loader.md §1.3), in calling order.
    public static let names = ["Init", "Write", "SectorErase", "MassErase", "Read", "Verify", "CheckSum", "DeInit"]

    public var name: String
    /// The symbol value, Thumb bit included: what the host loads into PC.
    public var address: UInt32
    public var size: UInt32
    /// Where the symbol table entry sits, as evidence.
    public var symbolFileOffset: Int

    public init(name: String, address: UInt32, size: UInt32, symbolFileOffset: Int) {
        self.name = name
        self.address = address
        self.size = size
        self.symbolFileOffset = symbolFileOffset
    }

    /// Cortex-M executes only Thumb code: a branch to an even address faults (INVSTATE).
    public var isThumb: Bool { address & 1 == 1 }
    /// The address of the first instruction.
    public var codeAddress: UInt32 { address & ~1 }
}
