/// A named code or data range, as the ELF symbol table gives it. CortexM does not read ELF:
/// the caller converts its symbols to these. A Thumb function's address may carry bit 0;
/// it is stripped when symbolizing.
public struct MachineSymbol: Sendable, Equatable {
    public var name: String
    public var address: UInt32
    public var size: UInt32

    public init(name: String, address: UInt32, size: UInt32) {
        self.name = name
        self.address = address
        self.size = size
    }
}

/// Where an address falls: `Write+0x1c`.
public struct SymbolLocation: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var offset: UInt32

    public init(name: String, offset: UInt32) {
        self.name = name
        self.offset = offset
    }

    public var description: String { offset == 0 ? name : "\(name)+0x\(String(offset, radix: 16))" }
}

/// Symbols sorted by start address for a binary search. A zero-sized symbol names only
/// its own address.
struct SymbolTable {
    private var entries: [(start: UInt32, size: UInt32, name: String)] = []

    init(_ symbols: [MachineSymbol] = []) {
        entries = symbols
            .map { (start: $0.address & ~1, size: $0.size, name: $0.name) }
            .sorted { $0.start < $1.start }
    }

    func locate(_ address: UInt32) -> SymbolLocation? {
        let pc = address & ~1
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].start <= pc { low = mid + 1 } else { high = mid }
        }
        // Walk back over symbols starting at or below pc; the nearest one that covers it wins.
        var index = low - 1
        while index >= 0 {
            let entry = entries[index]
            let offset = pc - entry.start
            if offset == 0 || offset < entry.size { return SymbolLocation(name: entry.name, offset: offset) }
            if pc - entry.start > 0x10_0000 { break }
            index -= 1
        }
        return nil
    }
}
