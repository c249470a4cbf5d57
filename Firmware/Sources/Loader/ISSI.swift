/// ISSI IS25LP/WP registers the loader uses beyond JESD216 (is25lp512m.md §A.3-A.4).
enum ISSI {
    /// SRPV, Set Read Parameters (volatile); 63h is an alias. No WREN needed [MEM], done
    /// again after WREN if the first write did not take.
    static let setReadParametersVolatile: UInt8 = 0xC0
    static let readReadParameters: UInt8 = 0x61
    static let readExtendedReadParameters: UInt8 = 0x81
    static let clearExtendedReadParameters: UInt8 = 0x82

    /// Read Register 0x00: every read uses its default dummy cycles (DC3..0 = 0000), which are
    /// what the SFDP tables describe; wrap off; b7 (HOLD#/RESET# select) 0.
    static let defaultReadRegister: UInt8 = 0x00

    /// Extended Read Register (81h): PROT_E b1, P_ERR b2, E_ERR b3.
    static let protectionError: UInt8 = 1 << 1
    static let programError: UInt8 = 1 << 2
    static let eraseError: UInt8 = 1 << 3
}
