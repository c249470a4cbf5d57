/// The XML documents GDB reads with `qXfer`: the target description (which registers, in
/// which features, numbered as the `g` packet sends them) and the memory map.
public enum TargetDescription {
    public static let mProfile = "org.gnu.gdb.arm.m-profile"
    public static let mSystem = "org.gnu.gdb.arm.m-system"
    public static let vfp = "org.gnu.gdb.arm.vfp"
    /// PRIMASK, BASEPRI, FAULTMASK, CONTROL: no standard GDB feature names them.
    public static let specialRegisters = "org.loaderlab.arm.m-special"

    /// A Cortex-M33 with the FPv5 single-precision FPU (16 D registers as GDB's VFP feature
    /// describes them; S0–S31 are GDB's pseudo-registers over them).
    public static let cortexM33: [RegisterDescription] = {
        var regs: [RegisterDescription] = (0...12).map { RegisterDescription(name: "r\($0)", bitSize: 32, group: "general", feature: mProfile) }
        regs.append(RegisterDescription(name: "sp", bitSize: 32, type: "data_ptr", group: "general", feature: mProfile))
        regs.append(RegisterDescription(name: "lr", bitSize: 32, group: "general", feature: mProfile))
        regs.append(RegisterDescription(name: "pc", bitSize: 32, type: "code_ptr", group: "general", feature: mProfile))
        regs.append(RegisterDescription(name: "xpsr", bitSize: 32, group: "general", feature: mProfile))
        regs.append(RegisterDescription(name: "msp", bitSize: 32, type: "data_ptr", group: "system", feature: mSystem))
        regs.append(RegisterDescription(name: "psp", bitSize: 32, type: "data_ptr", group: "system", feature: mSystem))
        for name in ["primask", "basepri", "faultmask", "control"] {
            regs.append(RegisterDescription(name: name, bitSize: 32, group: "system", feature: specialRegisters))
        }
        regs += (0...15).map { RegisterDescription(name: "d\($0)", bitSize: 64, type: "ieee_double", group: "float", feature: vfp) }
        regs.append(RegisterDescription(name: "fpscr", bitSize: 32, group: "float", feature: vfp))
        return regs
    }()

    public static func xml(_ registers: [RegisterDescription]) -> String {
        var out = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n<architecture>arm</architecture>\n"
        var features: [String] = []
        for r in registers where !features.contains(r.feature) { features.append(r.feature) }
        for feature in features {
            out += "<feature name=\"\(feature)\">\n"
            for (number, r) in registers.enumerated() where r.feature == feature {
                out += "  <reg name=\"\(r.name)\" bitsize=\"\(r.bitSize)\" regnum=\"\(number)\" type=\"\(r.type)\""
                if let group = r.group { out += " group=\"\(group)\"" }
                out += "/>\n"
            }
            out += "</feature>\n"
        }
        return out + "</target>\n"
    }

    public static func memoryMapXML(_ regions: [MemoryMapRegion]) -> String {
        var out = "<?xml version=\"1.0\"?>\n<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\" \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n<memory-map>\n"
        for r in regions.sorted(by: { $0.start < $1.start }) {
            let name = r.name.replacingOccurrences(of: "--", with: "-")
            out += "  <!-- \(name) -->\n"
            out += "  <memory type=\"\(r.kind.rawValue)\" start=\"0x\(String(r.start, radix: 16))\" length=\"0x\(String(r.length, radix: 16))\""
            if let block = r.blockSize, r.kind == .flash {
                out += ">\n    <property name=\"blocksize\">0x\(String(block, radix: 16))</property>\n  </memory>\n"
            } else {
                out += "/>\n"
            }
        }
        return out + "</memory-map>\n"
    }
}
