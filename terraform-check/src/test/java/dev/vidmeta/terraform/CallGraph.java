package dev.vidmeta.terraform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The code one Lambda function can run, found by walking the compiled classes from its handler: a rapid type
 * analysis (a call on an interface or superclass reaches the overriding methods of the classes the reached code
 * instantiates). It records what leaves our code -- calls into the AWS SDK -- and the string constants of the
 * reached methods, which is where the configuration's variable names live.
 *
 * <p>Only classes under {@code appPackage} are walked; everything else (the JDK, the SDK, Jackson) is a leaf.
 * Lambdas and method references count as reached where they are created, which over-approximates a little and
 * never misses a call.
 */
final class CallGraph {

    /** A method reached from the roots, with the class that declares it. */
    record Reached(String owner, ClassFile.Method method) {
    }

    private final ClassLoader loader;
    private final String appPackage;
    private final Map<String, ClassFile> classes = new HashMap<>();

    private final Set<String> instantiated = new HashSet<>();
    private final Set<String> visitedMethods = new HashSet<>();
    private final Set<String> initializedClasses = new HashSet<>();
    private final Set<ClassFile.Ref> virtualCalls = new LinkedHashSet<>();
    private final Deque<ClassFile.Ref> work = new ArrayDeque<>();

    private final Set<ClassFile.Ref> externalCalls = new LinkedHashSet<>();
    private final List<Reached> reached = new java.util.ArrayList<>();

    private CallGraph(ClassLoader loader, String appPackage) {
        this.loader = loader;
        this.appPackage = appPackage.replace('.', '/') + "/";
    }

    /**
     * Walks from the entry points the Lambda runtime uses: the handler's no-arg constructor (which builds the real
     * clients from the environment) and every method named {@code handlerMethod}.
     */
    static CallGraph fromHandler(ClassLoader loader, String appPackage, String handlerClass, String handlerMethod) {
        CallGraph graph = new CallGraph(loader, appPackage);
        String owner = handlerClass.replace('.', '/');
        ClassFile handler = graph.classFile(owner);
        if (handler == null) {
            throw new IllegalArgumentException("handler class not found on the classpath: " + handlerClass);
        }
        graph.instantiated.add(owner);
        graph.initialize(owner);
        graph.work.add(new ClassFile.Ref(owner, "<init>", "()V"));
        for (ClassFile.Method m : handler.methods()) {
            if (m.name().equals(handlerMethod)) {
                graph.work.add(new ClassFile.Ref(owner, m.name(), m.descriptor()));
            }
        }
        graph.run();
        return graph;
    }

    /** Calls from reached code into classes outside the application package, e.g. the AWS SDK. */
    Set<ClassFile.Ref> externalCalls() {
        return externalCalls;
    }

    List<Reached> reached() {
        return reached;
    }

    private void run() {
        while (!work.isEmpty()) {
            visit(work.poll());
        }
    }

    private void visit(ClassFile.Ref call) {
        if (!call.owner().startsWith(appPackage)) {
            externalCalls.add(call);
            return;
        }
        ClassFile.Method method = resolve(call.owner(), call.name(), call.descriptor());
        String key = call.owner() + "." + call.name() + call.descriptor();
        if (!visitedMethods.add(key)) {
            return;
        }
        if (!call.name().equals("<init>") && !call.name().equals("<clinit>")) {
            // A virtual or interface call also reaches every override in an instantiated subtype.
            virtualCalls.add(call);
            for (String type : Set.copyOf(instantiated)) {
                dispatch(type, call);
            }
        }
        if (method == null) {
            return; // abstract, or declared outside our code (e.g. Object.toString)
        }
        reached.add(new Reached(declaringClass(call.owner(), call.name(), call.descriptor()), method));
        for (String type : method.instantiated()) {
            instantiate(type);
        }
        for (ClassFile.Ref field : method.staticFieldsRead()) {
            initialize(field.owner());
        }
        for (ClassFile.Ref invoked : method.invoked()) {
            if (invoked.name().equals("<init>")) {
                instantiate(invoked.owner()); // constructor references (Foo::new) create instances too
            }
            initialize(invoked.owner());
            work.add(invoked);
        }
    }

    private void instantiate(String type) {
        if (!type.startsWith(appPackage) || !instantiated.add(type)) {
            return;
        }
        initialize(type);
        for (ClassFile.Ref call : Set.copyOf(virtualCalls)) {
            dispatch(type, call);
        }
    }

    private void initialize(String type) {
        if (type.startsWith(appPackage) && initializedClasses.add(type)) {
            work.add(new ClassFile.Ref(type, "<clinit>", "()V"));
        }
    }

    private void dispatch(String type, ClassFile.Ref call) {
        if (!type.equals(call.owner()) && isSubtype(type, call.owner())) {
            String declaring = declaringClass(type, call.name(), call.descriptor());
            if (declaring != null) {
                work.add(new ClassFile.Ref(declaring, call.name(), call.descriptor()));
            }
        }
    }

    /** The method {@code owner.name descriptor} resolves to, searching superclasses and then interfaces. */
    private ClassFile.Method resolve(String owner, String name, String descriptor) {
        String declaring = declaringClass(owner, name, descriptor);
        return declaring == null ? null : declared(classFile(declaring), name, descriptor);
    }

    private String declaringClass(String owner, String name, String descriptor) {
        for (String type = owner; type != null && type.startsWith(appPackage); ) {
            ClassFile c = classFile(type);
            if (c == null) {
                return null;
            }
            if (declared(c, name, descriptor) != null) {
                return type;
            }
            for (String itf : c.interfaces()) {
                String fromInterface = declaringClass(itf, name, descriptor);
                if (fromInterface != null) {
                    return fromInterface; // a default method
                }
            }
            type = c.superName();
        }
        return null;
    }

    private static ClassFile.Method declared(ClassFile c, String name, String descriptor) {
        for (ClassFile.Method m : c.methods()) {
            if (m.name().equals(name) && m.descriptor().equals(descriptor)) {
                return m;
            }
        }
        return null;
    }

    private boolean isSubtype(String type, String of) {
        if (type == null || !type.startsWith(appPackage)) {
            return false;
        }
        if (type.equals(of)) {
            return true;
        }
        ClassFile c = classFile(type);
        if (c == null) {
            return false;
        }
        for (String itf : c.interfaces()) {
            if (isSubtype(itf, of)) {
                return true;
            }
        }
        return isSubtype(c.superName(), of);
    }

    private ClassFile classFile(String internalName) {
        return classes.computeIfAbsent(internalName, n -> {
            try (InputStream in = loader.getResourceAsStream(n + ".class")) {
                return in == null ? null : ClassFile.parse(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
