package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupStrategiesTest {

    record Named(String id) implements BackupStrategy {
        @Override
        public String description() {
            return "plugin " + id;
        }

        @Override
        public void backup(BackupContext context) {}
    }

    @Test
    void builtInsComeFirstAndPluginsCannotTakeTheirIds() {
        List<BackupStrategy> plugins = List.of(new Named("forever-incremental"), new Named("full"));
        assertThat(BackupStrategies.all(plugins)).extracting(BackupStrategy::id)
                .containsExactly("full", "incremental", "dedup", "forever-incremental");
        assertThat(BackupStrategies.find("full", plugins)).get().isInstanceOf(FullStrategy.class);
        assertThat(BackupStrategies.find("forever-incremental", plugins)).get().isInstanceOf(Named.class);
        assertThat(BackupStrategies.find("nope", plugins)).isEmpty();
        assertThat(BackupStrategies.builtIns()).allSatisfy(s -> assertThat(s.description()).isNotBlank());
    }
}
