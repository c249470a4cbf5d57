/// A pass over the board file's raw JSON before `JSONDecoder` sees it, so that every refusal
/// names what a person must fix: the line and column of broken JSON, a key that appears twice
/// or that the schema does not know, a number that is not a whole number or is out of range
/// (`clock.sysclkHz: -160000000 is below 4000000`). `JSONDecoder` only says "not valid JSON"
/// for those, and silently takes the last of two duplicate keys.
///
/// What each schema allows is the table `BoardKeys.schemas`: add a schema's keys there.
public enum BoardKeys {
    /// What a JSON value at one place in the file must be.
    public indirect enum Shape: Sendable {
        case string
        /// A whole number in the range (the range of the Swift field at least).
        case integer(ClosedRange<Int64>)
        /// An object with exactly these optional-or-required keys (required presence is left
        /// to the decoder, which names a missing field).
        case object([String: Shape])
        /// An object whose keys are any of `keys` (case-insensitive), each of the same shape.
        case map(keys: [String], value: Shape)
    }

    static let pin: Shape = .object(["pin": .string, "af": .integer(0...15)])

    /// Schema number → the root object's shape.
    public static let schemas: [Int64: Shape] = [
        1: .object([
            "schema": .integer(1...1),
            "name": .string,
            "mcu": .string,
            "flash": .string,
            "octospi": .object(["instance": .integer(Int64(Int32.min)...Int64(Int32.max)), "port": .integer(Int64(Int32.min)...Int64(Int32.max))]),
            "pins": .map(keys: ["ncs", "clk", "io0", "io1", "io2", "io3"], value: pin),
            "clock": .object(["sysclkHz": .integer(4_000_000...160_000_000), "octospiDivider": .integer(Int64(Int32.min)...Int64(Int32.max)),
                               "hseHz": .integer(Int64(UInt32.min)...Int64(UInt32.max))]),
        ]),
    ]

    /// Checks the raw file; throws the first problem with its place.
    public static func validate(_ bytes: [UInt8], file: String) throws(BoardError) {
        var parser = RawJSON(bytes: bytes, file: file)
        let root = try parser.document()
        guard case .object(let members) = root.kind else {
            throw .invalidField(file: file, field: "(top level)", reason: "\(root.describe) at line \(root.line), column \(root.column); expected an object { ... }")
        }
        // An unknown or non-integer schema is the decoder's and `validate`'s to report.
        guard let schemaValue = members.first(where: { $0.key == "schema" })?.value,
              case .number(let text) = schemaValue.kind else { return }
        guard let schema = Int64(text) else {
            throw .invalidField(file: file, field: "schema", reason: "\(text) is not a whole number")
        }
        guard let shape = schemas[schema] else { return }
        try check(root, against: shape, path: "", file: file)
    }

    private static func check(_ value: RawJSON.Value, against shape: Shape, path: String, file: String) throws(BoardError) {
        let name = path.isEmpty ? "(top level)" : path
        switch shape {
        case .string:
            guard case .string = value.kind else { throw .invalidField(file: file, field: name, reason: "\(value.describe) should be a string") }
        case .integer(let range):
            guard case .number(let text) = value.kind else { throw .invalidField(file: file, field: name, reason: "\(value.describe) should be a whole number") }
            guard let n = Int64(text) else {
                let isWhole = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
                throw .invalidField(file: file, field: name, reason: isWhole ? "\(text) is too large" : "\(text) is not a whole number")
            }
            if n < range.lowerBound { throw .invalidField(file: file, field: name, reason: "\(text) is below \(range.lowerBound)") }
            if n > range.upperBound { throw .invalidField(file: file, field: name, reason: "\(text) is above \(range.upperBound)") }
        case .object(let keys):
            try checkObject(value, path: path, file: file, allowed: keys.keys.sorted()) { key throws(BoardError) in keys[key] }
        case .map(let keys, let valueShape):
            try checkObject(value, path: path, file: file, allowed: keys) { key throws(BoardError) in
                keys.contains(key.lowercased()) ? valueShape : nil
            }
        }
    }

    private static func checkObject(_ value: RawJSON.Value, path: String, file: String, allowed: [String],
                                    shape: (String) throws(BoardError) -> Shape?) throws(BoardError) {
        let name = path.isEmpty ? "(top level)" : path
        guard case .object(let members) = value.kind else { throw .invalidField(file: file, field: name, reason: "\(value.describe) should be an object { ... }") }
        var seen: [String: Int] = [:]
        for member in members {
            let field = path.isEmpty ? member.key : path + "." + member.key
            let folded = member.key.lowercased()
            if let first = seen[folded] {
                throw .invalidField(file: file, field: field, reason: "appears twice (lines \(first) and \(member.line)); a decoder would silently keep one")
            }
            seen[folded] = member.line
            guard let inner = try shape(member.key) else {
                throw .invalidField(file: file, field: field, reason: "unknown key at line \(member.line); expected one of \(allowed.joined(separator: ", "))")
            }
            try check(member.value, against: inner, path: field, file: file)
        }
    }
}

/// A strict RFC 8259 reader that keeps where every value and key starts. Depth is bounded so
/// that `[[[[…` cannot exhaust the stack.
struct RawJSON {
    struct Value {
        enum Kind {
            case object([(key: String, line: Int, value: Value)])
            case array([Value])
            case string(String)
            /// The number's text as written, so that `1.5`, `1e308` and `-0` are told apart.
            case number(String)
            case bool(Bool)
            case null
        }

        var kind: Kind
        var line: Int
        var column: Int

        var describe: String {
            switch kind {
            case .object: "an object"
            case .array: "an array"
            case .string(let s): "\"\(s.prefix(40))\""
            case .number(let n): n
            case .bool(let b): "\(b)"
            case .null: "null"
            }
        }
    }

    let bytes: [UInt8]
    let file: String
    var index = 0
    var line = 1
    var lineStart = 0
    static let maximumDepth = 64

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    var column: Int { index - lineStart + 1 }

    private func fail(_ reason: String) -> BoardError {
        .syntax(file: file, line: line, column: column, reason: reason)
    }

    private var found: String {
        guard index < bytes.count else { return "the end of the file" }
        let c = bytes[index]
        return c >= 0x21 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x" + String(c, radix: 16, uppercase: true)
    }

    mutating func document() throws(BoardError) -> Value {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 }
        skipSpace()
        let value = try parseValue(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw fail("unexpected \(found) after the JSON value") }
        return value
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            case 0x20, 0x09, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(BoardError) -> Value {
        guard depth < Self.maximumDepth else { throw fail("nested more than \(Self.maximumDepth) levels deep") }
        let (l, c) = (line, column)
        guard index < bytes.count else { throw fail("the file ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(key: String, line: Int, value: Value)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return Value(kind: .object(members), line: l, column: c) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key in double quotes, found \(found)") }
                let keyLine = line
                let key = try parseString()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after the key \"\(key)\", found \(found)") }
                index += 1
                skipSpace()
                members.append((key, keyLine, try parseValue(depth: depth + 1)))
                skipSpace()
                guard index < bytes.count else { throw fail("the file ends inside an object (missing '}')") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return Value(kind: .object(members), line: l, column: c) }
                throw fail("expected ',' or '}' after the value of \"\(key)\", found \(found)")
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [Value] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return Value(kind: .array(items), line: l, column: c) }
            while true {
                skipSpace()
                items.append(try parseValue(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw fail("the file ends inside an array (missing ']')") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return Value(kind: .array(items), line: l, column: c) }
                throw fail("expected ',' or ']' in an array, found \(found)")
            }
        case UInt8(ascii: "\""):
            return Value(kind: .string(try parseString()), line: l, column: c)
        case UInt8(ascii: "t"): try literal("true"); return Value(kind: .bool(true), line: l, column: c)
        case UInt8(ascii: "f"): try literal("false"); return Value(kind: .bool(false), line: l, column: c)
        case UInt8(ascii: "n"): try literal("null"); return Value(kind: .null, line: l, column: c)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return Value(kind: .number(try parseNumber()), line: l, column: c)
        default:
            throw fail("unexpected \(found); expected a value (object, array, string, number, true, false or null)")
        }
    }

    private mutating func literal(_ word: String) throws(BoardError) {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else { throw fail("unexpected \(found); expected \(word)") }
        index += w.count
    }

    private mutating func parseNumber() throws(BoardError) -> String {
        let start = index
        func digits() -> Int {
            let s = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - s
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        guard digits() > 0 else { throw fail("a '-' must be followed by digits") }
        if bytes[intStart] == UInt8(ascii: "0"), index - intStart > 1 {
            index = intStart
            throw fail("a number must not start with 0 (octal is not JSON)")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw fail("expected digits after the decimal point") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw fail("expected digits in the exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseString() throws(BoardError) -> String {
        index += 1  // the opening quote
        var out: [UInt8] = []
        while index < bytes.count {
            let c = bytes[index]
            switch c {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                // A backslash as the last byte: found by the board fuzz target, which hung here
                // when this branch left `index` where it was.
                guard index + 1 < bytes.count else { throw fail("the file ends inside a string (missing '\"')") }
                let e = bytes[index + 1]
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard index + 6 <= bytes.count, let v = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16) else {
                        throw fail("\\u must be followed by four hex digits")
                    }
                    out += Array(String(Unicode.Scalar(v).map(Character.init) ?? "\u{FFFD}").utf8)
                    index += 4
                default: throw fail("unknown escape \\\(Character(Unicode.Scalar(e)))")
                }
                index += 2
            case 0x00..<0x20:
                throw fail(c == 0x0A ? "a string runs to the end of the line (missing '\"')" : "a control character inside a string")
            default:
                out.append(c)
                index += 1
            }
        }
        throw fail("the file ends inside a string (missing '\"')")
    }
}
