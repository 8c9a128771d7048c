package io.polyhook.spi;

import com.sun.source.doctree.BlockTagTree;
import com.sun.source.doctree.DocCommentTree;
import com.sun.source.util.DocTrees;
import jdk.javadoc.doclet.Doclet;
import jdk.javadoc.doclet.DocletEnvironment;
import jdk.javadoc.doclet.Reporter;
import org.junit.jupiter.api.Test;

import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public type and member of the published API says since when it exists ({@code @since}),
 * checked by a doclet over the sources, as the javadoc tool sees them. Overrides are exempt: they
 * belong to the member they override.
 */
class SinceTagsTest {

    static final List<String> MISSING = new CopyOnWriteArrayList<>();

    /** Records each documented element without an {@code @since} tag. */
    public static final class SinceDoclet implements Doclet {
        @Override
        public void init(Locale locale, Reporter reporter) {
        }

        @Override
        public String getName() {
            return "since";
        }

        @Override
        public Set<? extends Option> getSupportedOptions() {
            return Set.of();
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latest();
        }

        @Override
        public boolean run(DocletEnvironment env) {
            DocTrees trees = env.getDocTrees();
            Elements elements = env.getElementUtils();
            for (TypeElement type : ElementFilter.typesIn(env.getIncludedElements())) {
                if (!type.getModifiers().contains(Modifier.PUBLIC)) {
                    continue;
                }
                check(trees, type);
                for (Element member : type.getEnclosedElements()) {
                    boolean api = member.getModifiers().contains(Modifier.PUBLIC)
                            || member.getModifiers().contains(Modifier.PROTECTED)
                            || (type.getKind().isInterface() && !member.getModifiers().contains(Modifier.PRIVATE));
                    // Members the compiler made (record accessors, equals, values, ...) have no source tree.
                    if (!api || trees.getPath(member) == null || elements.getOrigin(member) != Elements.Origin.EXPLICIT
                            || member.getKind() == ElementKind.RECORD_COMPONENT || member.getKind().isClass()
                            || member.getKind().isInterface() || member.getAnnotation(Override.class) != null) {
                        continue; // nested types are checked as types
                    }
                    check(trees, member);
                }
            }
            return true;
        }

        private static void check(DocTrees trees, Element e) {
            DocCommentTree doc = trees.getDocCommentTree(e);
            boolean since = doc != null && doc.getBlockTags().stream()
                    .anyMatch(t -> t instanceof BlockTagTree b && b.getTagName().equals("since"));
            if (!since) {
                MISSING.add((e.getEnclosingElement() == null ? "" : e.getEnclosingElement() + ".") + e);
            }
        }
    }

    @Test
    void everyPublicTypeAndMemberHasASinceTag() throws IOException {
        DocumentationTool tool = ToolProvider.getSystemDocumentationTool();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList();
        }
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager fm = tool.getStandardFileManager(null, Locale.ROOT, null)) {
            Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(sources);
            boolean ok = tool.getTask(log, fm, null, SinceDoclet.class, List.of("-quiet"), units).call();
            assertThat(ok).as(log.toString()).isTrue();
        }
        assertThat(MISSING).as("public types and members without @since").isEmpty();
    }
}
