package dev.vidmeta.terraform;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a class file (JVMS chapter 4) the call-graph walk needs: the class hierarchy, and per method the
 * instructions that name other code -- invocations, {@code new}, static field reads, string constants and the
 * method handles behind lambdas and method references.
 *
 * <p>Written out by hand because the JDK's {@code java.lang.classfile} API is final only from JDK 24, and this
 * module is compiled for release 21 like the rest of the build.
 */
record ClassFile(String name, String superName, List<String> interfaces, List<Method> methods) {

    /** A member reference as the constant pool spells it, internal names ({@code a/b/C}). */
    record Ref(String owner, String name, String descriptor) {
    }

    /** One method and what its code refers to. */
    record Method(String name, String descriptor, List<Ref> invoked, List<String> instantiated,
                  List<Ref> staticFieldsRead, List<String> strings) {
    }

    private static final int UTF8 = 1, INTEGER = 3, FLOAT = 4, LONG = 5, DOUBLE = 6, CLASS = 7, STRING = 8,
            FIELD = 9, METHOD = 10, INTERFACE_METHOD = 11, NAME_AND_TYPE = 12, METHOD_HANDLE = 15,
            METHOD_TYPE = 16, DYNAMIC = 17, INVOKE_DYNAMIC = 18, MODULE = 19, PACKAGE = 20;

    static ClassFile parse(byte[] bytes) {
        try {
            return new Parser(new DataInputStream(new ByteArrayInputStream(bytes))).parse();
        } catch (IOException e) {
            throw new UncheckedIOException("not a readable class file", e);
        }
    }

    private static final class Parser {
        private final DataInputStream in;
        private int[] tags;
        private Object[] values; // Utf8: String; Class/String/MethodType: utf8 index; refs: int[]{a, b}

        Parser(DataInputStream in) {
            this.in = in;
        }

        ClassFile parse() throws IOException {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("bad magic");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            readConstantPool();
            in.readUnsignedShort(); // access flags
            String name = className(in.readUnsignedShort());
            int superIndex = in.readUnsignedShort();
            String superName = superIndex == 0 ? null : className(superIndex);
            List<String> interfaces = new ArrayList<>();
            for (int i = in.readUnsignedShort(); i > 0; i--) {
                interfaces.add(className(in.readUnsignedShort()));
            }
            for (int i = in.readUnsignedShort(); i > 0; i--) { // fields
                in.readUnsignedShort();
                in.readUnsignedShort();
                in.readUnsignedShort();
                skipAttributes();
            }
            List<byte[]> codes = new ArrayList<>();
            List<String[]> signatures = new ArrayList<>();
            for (int i = in.readUnsignedShort(); i > 0; i--) {
                in.readUnsignedShort();
                signatures.add(new String[] {utf8(in.readUnsignedShort()), utf8(in.readUnsignedShort())});
                byte[] code = null;
                for (int a = in.readUnsignedShort(); a > 0; a--) {
                    String attribute = utf8(in.readUnsignedShort());
                    byte[] body = in.readNBytes(in.readInt());
                    if (attribute.equals("Code")) {
                        DataInputStream c = new DataInputStream(new ByteArrayInputStream(body));
                        c.readUnsignedShort();
                        c.readUnsignedShort();
                        code = c.readNBytes(c.readInt());
                    }
                }
                codes.add(code);
            }
            List<List<Ref>> bootstrapHandles = new ArrayList<>();
            for (int a = in.readUnsignedShort(); a > 0; a--) {
                String attribute = utf8(in.readUnsignedShort());
                byte[] body = in.readNBytes(in.readInt());
                if (attribute.equals("BootstrapMethods")) {
                    bootstrapHandles = bootstrapHandles(body);
                }
            }
            List<Method> methods = new ArrayList<>();
            for (int i = 0; i < codes.size(); i++) {
                methods.add(method(signatures.get(i)[0], signatures.get(i)[1], codes.get(i), bootstrapHandles));
            }
            return new ClassFile(name, superName, List.copyOf(interfaces), List.copyOf(methods));
        }

        private void readConstantPool() throws IOException {
            int count = in.readUnsignedShort();
            tags = new int[count];
            values = new Object[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                tags[i] = tag;
                switch (tag) {
                    case UTF8 -> values[i] = in.readUTF();
                    case INTEGER, FLOAT -> in.readInt();
                    case LONG, DOUBLE -> {
                        in.readLong();
                        i++; // eight-byte constants take two slots
                    }
                    case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> values[i] = in.readUnsignedShort();
                    case FIELD, METHOD, INTERFACE_METHOD, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC ->
                            values[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                    case METHOD_HANDLE -> values[i] = new int[] {in.readUnsignedByte(), in.readUnsignedShort()};
                    default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
                }
            }
        }

        private void skipAttributes() throws IOException {
            for (int a = in.readUnsignedShort(); a > 0; a--) {
                in.readUnsignedShort();
                in.skipNBytes(in.readInt());
            }
        }

        private String utf8(int index) {
            return (String) values[index];
        }

        private String className(int index) {
            return utf8((Integer) values[index]);
        }

        private Ref ref(int index) {
            int[] r = (int[]) values[index];
            int[] nameAndType = (int[]) values[r[1]];
            return new Ref(className(r[0]), utf8(nameAndType[0]), utf8(nameAndType[1]));
        }

        /** Per bootstrap method, the method handles among its arguments (a lambda's implementation method). */
        private List<List<Ref>> bootstrapHandles(byte[] body) throws IOException {
            DataInputStream b = new DataInputStream(new ByteArrayInputStream(body));
            List<List<Ref>> result = new ArrayList<>();
            for (int m = b.readUnsignedShort(); m > 0; m--) {
                b.readUnsignedShort();
                List<Ref> handles = new ArrayList<>();
                for (int a = b.readUnsignedShort(); a > 0; a--) {
                    int arg = b.readUnsignedShort();
                    if (tags[arg] == METHOD_HANDLE) {
                        handles.add(ref(((int[]) values[arg])[1]));
                    }
                }
                result.add(handles);
            }
            return result;
        }

        private Method method(String name, String descriptor, byte[] code, List<List<Ref>> bootstrapHandles) {
            List<Ref> invoked = new ArrayList<>();
            List<String> instantiated = new ArrayList<>();
            List<Ref> staticReads = new ArrayList<>();
            List<String> strings = new ArrayList<>();
            int pc = 0;
            while (code != null && pc < code.length) {
                int op = code[pc] & 0xFF;
                switch (op) {
                    case 0x12 -> constant(code[pc + 1] & 0xFF, strings);                              // ldc
                    case 0x13 -> constant(u2(code, pc + 1), strings);                                 // ldc_w
                    case 0xB2 -> staticReads.add(ref(u2(code, pc + 1)));                              // getstatic
                    case 0xB6, 0xB7, 0xB8, 0xB9 -> invoked.add(ref(u2(code, pc + 1)));                // invoke*
                    case 0xBA -> invoked.addAll(bootstrapHandles.get(((int[]) values[u2(code, pc + 1)])[0]));
                    case 0xBB -> instantiated.add(className(u2(code, pc + 1)));                       // new
                    default -> {
                    }
                }
                pc += length(code, pc);
            }
            return new Method(name, descriptor, invoked, instantiated, staticReads, strings);
        }

        private void constant(int index, List<String> strings) {
            if (tags[index] == STRING) {
                strings.add(utf8((Integer) values[index]));
            }
        }

        private static int u2(byte[] code, int at) {
            return ((code[at] & 0xFF) << 8) | (code[at + 1] & 0xFF);
        }

        private static int s4(byte[] code, int at) {
            return (u2(code, at) << 16) | u2(code, at + 2);
        }

        /** Instruction length (JVMS 6.5), including the padded switches and {@code wide}. */
        private static int length(byte[] code, int pc) {
            int op = code[pc] & 0xFF;
            switch (op) {
                case 0xAA -> { // tableswitch
                    int p = (pc + 4) & ~3;
                    return p - pc + 12 + 4 * (s4(code, p + 8) - s4(code, p + 4) + 1);
                }
                case 0xAB -> { // lookupswitch
                    int p = (pc + 4) & ~3;
                    return p - pc + 8 + 8 * s4(code, p + 4);
                }
                case 0xC4 -> { // wide
                    return (code[pc + 1] & 0xFF) == 0x84 ? 6 : 4;
                }
                default -> {
                    return LENGTHS[op];
                }
            }
        }

        private static final int[] LENGTHS = new int[256];

        static {
            java.util.Arrays.fill(LENGTHS, 1);
            LENGTHS[0x10] = 2; // bipush
            LENGTHS[0x11] = 3; // sipush
            LENGTHS[0x12] = 2; // ldc
            LENGTHS[0x13] = 3;
            LENGTHS[0x14] = 3;
            for (int op = 0x15; op <= 0x19; op++) {
                LENGTHS[op] = 2; // loads with an index
            }
            for (int op = 0x36; op <= 0x3A; op++) {
                LENGTHS[op] = 2; // stores with an index
            }
            LENGTHS[0x84] = 3; // iinc
            for (int op = 0x99; op <= 0xA8; op++) {
                LENGTHS[op] = 3; // if*, goto, jsr
            }
            LENGTHS[0xA9] = 2; // ret
            for (int op = 0xB2; op <= 0xB8; op++) {
                LENGTHS[op] = 3; // field access, invokevirtual/special/static
            }
            LENGTHS[0xB9] = 5; // invokeinterface
            LENGTHS[0xBA] = 5; // invokedynamic
            LENGTHS[0xBB] = 3; // new
            LENGTHS[0xBC] = 2; // newarray
            LENGTHS[0xBD] = 3; // anewarray
            LENGTHS[0xC0] = 3; // checkcast
            LENGTHS[0xC1] = 3; // instanceof
            LENGTHS[0xC5] = 4; // multianewarray
            LENGTHS[0xC6] = 3; // ifnull
            LENGTHS[0xC7] = 3; // ifnonnull
            LENGTHS[0xC8] = 5; // goto_w
            LENGTHS[0xC9] = 5; // jsr_w
        }
    }
}
