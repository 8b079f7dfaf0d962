package org.captioner.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.captioner.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReadersTest {

    @TempDir
    Path dir;

    private void flickrFiles(String tokens, String train) throws Exception {
        Files.writeString(dir.resolve("Flickr8k.token.txt"), tokens);
        Files.writeString(dir.resolve("Flickr_8k.trainImages.txt"), train);
        Files.writeString(dir.resolve("Flickr_8k.devImages.txt"), "");
        Files.writeString(dir.resolve("Flickr_8k.testImages.txt"), "");
        Files.createDirectories(dir.resolve("images"));
    }

    @Test
    void readsFlickrTokenFilesAndReportsMissingImagesTogether() throws Exception {
        flickrFiles("a.jpg#0\tA dog.\na.jpg#1\tA brown dog.\nb.jpg#0\tA cat.\nc.jpg#0\tA cow.\n", "a.jpg\nb.jpg\nc.jpg\n");
        Files.write(dir.resolve("images/a.jpg"), new byte[] {1});
        SplitData train = DatasetFormat.FLICKR8K.open(dir, null).split(Split.TRAIN);
        assertEquals(1, train.images().size());
        assertEquals(List.of("A dog.", "A brown dog."), train.images().get(0).captions());
        assertEquals(List.of("b.jpg", "c.jpg"), train.missing());
    }

    @Test
    void malformedTokenLineNamesFileAndLine() throws Exception {
        flickrFiles("a.jpg#0\tA dog.\nthis line has no tab\n", "a.jpg\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> DatasetFormat.FLICKR8K.open(dir, null).split(Split.TRAIN));
        assertTrue(e.getMessage().contains("Flickr8k.token.txt line 2"), e.getMessage());
    }

    @Test
    void splitListNamingUnknownImageIsAnError() throws Exception {
        flickrFiles("a.jpg#0\tA dog.\n", "a.jpg\nzzz.jpg\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> DatasetFormat.FLICKR8K.open(dir, null).split(Split.TRAIN));
        assertTrue(e.getMessage().contains("Flickr_8k.trainImages.txt line 2"), e.getMessage());
    }

    @Test
    void readsKarpathyJsonWithRestvalAsTrain() throws Exception {
        Files.createDirectories(dir.resolve("images/val2014"));
        Files.write(dir.resolve("images/val2014/x.jpg"), new byte[] {1});
        Files.write(dir.resolve("images/y.jpg"), new byte[] {1});
        Files.writeString(dir.resolve("dataset_test.json"), """
                {"dataset": "tiny", "images": [
                  {"filename": "x.jpg", "filepath": "val2014", "split": "restval", "sentences": [{"raw": "A man."}]},
                  {"filename": "y.jpg", "split": "test", "sentences": [{"raw": "A dog."}, {"raw": "Dog."}]}
                ]}""");
        CaptionDataset d = DatasetFormat.KARPATHY.open(dir, null);
        assertEquals("tiny", d.name());
        assertEquals("x.jpg", d.split(Split.TRAIN).images().get(0).id());
        assertEquals(2, d.split(Split.TEST).images().get(0).captions().size());
    }

    @Test
    void malformedKarpathyEntryIsNamed() throws Exception {
        Files.writeString(dir.resolve("dataset_bad.json"), """
                {"images": [{"filename": "x.jpg", "split": "train", "sentences": [{"raw": "ok"}]},
                            {"filename": "y.jpg", "split": "train"}]}""");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> DatasetFormat.KARPATHY.open(dir, null).split(Split.TRAIN));
        assertTrue(e.getMessage().contains("images[1]"), e.getMessage());
    }

    @Test
    void brokenJsonNamesTheLine() throws Exception {
        Files.writeString(dir.resolve("dataset_x.json"), "{\"images\": [\n{\"filename\": }\n]}");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> DatasetFormat.KARPATHY.open(dir, null).split(Split.TRAIN));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void readsCocoCaptions() throws Exception {
        Files.createDirectories(dir.resolve("annotations"));
        Files.createDirectories(dir.resolve("train2014"));
        Files.write(dir.resolve("train2014/COCO_train2014_000000000009.jpg"), new byte[] {1});
        Files.writeString(dir.resolve("annotations/captions_train2014.json"), """
                {"images": [{"id": 9, "file_name": "COCO_train2014_000000000009.jpg"}],
                 "annotations": [{"image_id": 9, "caption": "Food."}, {"image_id": 9, "caption": "A plate."}]}""");
        SplitData train = DatasetFormat.COCO.open(dir, null).split(Split.TRAIN);
        assertEquals("9", train.images().get(0).id());
        assertEquals(2, train.images().get(0).captions().size());
    }

    @Test
    void aFolderWithOneCocoCaptionsFileIsAnEvaluationSplitOnly() throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Files.write(dir.resolve("images/a.jpg"), new byte[] {1});
        Files.writeString(dir.resolve("captions.json"), """
                {"images": [{"id": 9, "file_name": "a.jpg"}], "annotations": [{"image_id": 9, "caption": "A cat."}]}""");
        CaptionDataset sample = DatasetFormat.COCO.open(dir, null);
        for (Split split : new Split[] {Split.DEV, Split.TEST}) {
            SplitData data = sample.split(split);
            assertEquals(dir.resolve("images/a.jpg"), data.images().get(0).image());
        }
        IOException e = assertThrows(IOException.class, () -> sample.split(Split.TRAIN));
        assertTrue(e.getMessage().contains("one evaluation split"), e.getMessage());
        // Reports name the file, not the split it answers for.
        assertEquals("captions.json (its only split)", sample.describe(Split.TEST));
        assertEquals("test split", DatasetFormat.FLICKR8K.open(dir, null).describe(Split.TEST));
    }

    @Test
    void cocoAnnotationForUnknownImageIsNamed() throws Exception {
        Files.createDirectories(dir.resolve("annotations"));
        Files.writeString(dir.resolve("annotations/captions_train2014.json"), """
                {"images": [{"id": 9, "file_name": "a.jpg"}], "annotations": [{"image_id": 10, "caption": "x"}]}""");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> DatasetFormat.COCO.open(dir, null).split(Split.TRAIN));
        assertTrue(e.getMessage().contains("annotations[0]"), e.getMessage());
    }

    @Test
    void sharedFlickr8kHasTheOfficialSplit() throws Exception {
        Path f8k = SharedData.require("datasets/flickr8k");
        CaptionDataset d = DatasetFormat.FLICKR8K.open(f8k, null);
        assertEquals(6000, d.split(Split.TRAIN).images().size() + d.split(Split.TRAIN).missing().size());
        assertEquals(1000, d.split(Split.DEV).images().size() + d.split(Split.DEV).missing().size());
        SplitData test = d.split(Split.TEST);
        assertEquals(1000, test.images().size() + test.missing().size());
        assertTrue(test.images().stream().allMatch(i -> i.captions().size() == 5));
    }
}
