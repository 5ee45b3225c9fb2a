package dev.acmefilter.challenge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LayeredChallengeStoreTest {

    private static final String THUMBPRINT = "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    @TempDir
    Path stateDir;

    @Test
    void ownTokensComeFirstThenThoseOfTheFolder() {
        InMemoryChallengeStore memory = new InMemoryChallengeStore();
        DirectoryChallengeStore folder = DirectoryChallengeStore.inStateDir(stateDir);
        LayeredChallengeStore store = new LayeredChallengeStore(memory, folder);
        folder.put("both", "both." + THUMBPRINT);
        folder.put("folderOnly", "folderOnly." + THUMBPRINT);
        memory.put("both", "from memory");

        assertThat(store.find("both")).contains("from memory");
        assertThat(store.find("folderOnly")).contains("folderOnly." + THUMBPRINT);
        assertThat(store.find("neither")).isEmpty();
    }

    @Test
    void putsAndRemovesGoToTheFirstStoreOnly() {
        InMemoryChallengeStore memory = new InMemoryChallengeStore();
        DirectoryChallengeStore folder = DirectoryChallengeStore.inStateDir(stateDir);
        folder.put("shared", "shared." + THUMBPRINT);
        LayeredChallengeStore store = new LayeredChallengeStore(memory, folder);

        store.put("own", "answer");
        store.remove("shared");

        assertThat(memory.find("own")).contains("answer");
        assertThat(folder.find("own")).isEmpty();
        assertThat(folder.find("shared")).as("the other process's token stays").contains("shared." + THUMBPRINT);
    }
}
