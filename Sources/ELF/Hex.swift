/// `0x1A40`: the way offsets and values appear in every message of the lab.
package func hex<T: BinaryInteger>(_ value: T, digits: Int = 0) -> String {
    var text = String(value, radix: 16, uppercase: true)
    if text.count < digits { text = String(repeating: "0", count: digits - text.count) + text }
    return "0x" + text
}

/// `0x2000_0004`: an address on the 32-bit bus, grouped the way the reference manual writes it.
package func hexAddress(_ value: UInt32) -> String {
    let text = String(value, radix: 16, uppercase: true)
    let padded = String(repeating: "0", count: 8 - text.count) + text
    return "0x" + padded.prefix(4) + "_" + padded.suffix(4)
}
