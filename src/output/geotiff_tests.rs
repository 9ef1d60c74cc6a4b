use super::*;
use crate::analysis::density::GridSpec;
use std::io::Cursor;

use tiff::decoder::{Decoder, DecodingResult};
use tiff::tags::Tag;

const LCC: &str =
    "+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +datum=WGS84 +units=m +type=crs";

/// A grid whose cell (col, row) holds col + 1000 × row + offset.
fn grid(width: usize, height: usize, offset: f32) -> DensityGrid {
    DensityGrid {
        spec: GridSpec {
            x0: -250_000.0,
            y0: 180_000.0,
            cell_m: 2_000.0,
            width,
            height,
        },
        values: (0..height)
            .flat_map(|r| (0..width).map(move |c| c as f32 + 1000.0 * r as f32 + offset))
            .collect(),
    }
}

fn decoder(bytes: &[u8]) -> Decoder<Cursor<&[u8]>> {
    Decoder::new(Cursor::new(bytes)).unwrap()
}

fn ascii(d: &mut Decoder<Cursor<&[u8]>>, tag: u16) -> String {
    d.get_tag(Tag::Unknown(tag)).unwrap().into_string().unwrap()
}

#[test]
fn single_band_reads_back_with_georeferencing() {
    let g = grid(37, 23, 0.5);
    let bytes = encode_geotiff(&[("2024", &g)], LCC, -9999.0, &[]).unwrap();
    let mut d = decoder(&bytes);
    assert_eq!(d.dimensions().unwrap(), (37, 23));
    let DecodingResult::F32(values) = d.read_image().unwrap() else {
        panic!("not float32")
    };
    assert_eq!(values, g.values);
    assert_eq!(d.get_tag_u16_vec(Tag::Compression).unwrap(), vec![8]);
    assert_eq!(d.get_tag_u16_vec(Tag::SampleFormat).unwrap(), vec![3]);
    assert_eq!(
        d.get_tag_f64_vec(Tag::ModelPixelScaleTag).unwrap(),
        vec![2000.0, 2000.0, 0.0]
    );
    assert_eq!(
        d.get_tag_f64_vec(Tag::ModelTiepointTag).unwrap(),
        vec![0.0, 0.0, 0.0, -250_000.0, 180_000.0, 0.0]
    );
    let keys = d.get_tag_u16_vec(Tag::GeoKeyDirectoryTag).unwrap();
    assert_eq!(&keys[..3], &[1, 1, 0]);
    assert_eq!(keys.len(), 4 + 4 * keys[3] as usize);
    assert_eq!(
        d.get_tag_f64_vec(Tag::GeoDoubleParamsTag).unwrap(),
        geo_tags(LCC).unwrap().doubles
    );
    assert_eq!(ascii(&mut d, GDAL_NODATA_TAG), "-9999");
    assert!(
        ascii(&mut d, GDAL_METADATA_TAG)
            .contains("<Item name=\"DESCRIPTION\" sample=\"0\" role=\"description\">2024</Item>")
    );
}

#[test]
fn bands_are_separate_planes_of_tiles_with_overviews() {
    // Wide enough for several tiles per band and one overview.
    let (a, b) = (grid(1100, 50, 0.0), grid(1100, 50, 0.25));
    let bytes = encode_geotiff(&[("2023", &a), ("2024", &b)], "EPSG:32630", f32::NAN, &[]).unwrap();
    let mut d = decoder(&bytes);
    assert_eq!(d.get_tag_u16_vec(Tag::SamplesPerPixel).unwrap(), vec![2]);
    assert_eq!(
        d.get_tag_u16_vec(Tag::PlanarConfiguration).unwrap(),
        vec![2]
    );
    assert_eq!(d.get_tag_u32(Tag::TileWidth).unwrap(), 512);
    // 3 tiles across, 1 down, per band; the decoder undoes the predictor and DEFLATE.
    let chunks = d.tile_count().unwrap();
    assert_eq!(chunks, 6);
    for (band, grid) in [(0usize, &a), (1, &b)] {
        for tx in 0..3usize {
            let DecodingResult::F32(v) = d.read_chunk((band * 3 + tx) as u32).unwrap() else {
                panic!("not float32")
            };
            let (cw, _) = d.chunk_data_dimensions((band * 3 + tx) as u32);
            for row in 0..50 {
                for col in 0..(cw as usize).min(1100 - tx * 512) {
                    assert_eq!(
                        v[row * cw as usize + col],
                        grid.values[row * 1100 + tx * 512 + col],
                        "band {band} tile {tx} ({col}, {row})"
                    );
                }
            }
        }
    }
    assert_eq!(ascii(&mut d, GDAL_NODATA_TAG), "nan");
    let meta = ascii(&mut d, GDAL_METADATA_TAG);
    assert!(
        meta.contains("sample=\"1\" role=\"description\">2024<"),
        "{meta}"
    );
    // The next directory is the overview, half the size.
    assert!(d.more_images());
    d.next_image().unwrap();
    assert_eq!(d.dimensions().unwrap(), (550, 25));
    assert_eq!(d.get_tag_u32(Tag::NewSubfileType).unwrap(), 1);
}

#[test]
fn refuses_mismatched_grids_and_unknown_crs() {
    let (a, b) = (grid(4, 4, 0.0), grid(5, 4, 0.0));
    assert!(matches!(
        encode_geotiff(&[("a", &a), ("b", &b)], LCC, 0.0, &[]),
        Err(Error::Usage(m)) if m.contains("\"b\"")
    ));
    assert!(matches!(
        encode_geotiff(&[], LCC, 0.0, &[]),
        Err(Error::Usage(_))
    ));
    let merc = "+proj=stere +datum=WGS84";
    assert!(matches!(
        encode_geotiff(&[("a", &a)], merc, 0.0, &[]),
        Err(Error::Usage(m)) if m.contains(merc)
    ));
}

#[test]
fn descriptions_are_escaped_ascii() {
    let g = grid(2, 2, 0.0);
    let xml = gdal_metadata(&[("Ségou <&>", &g)], &[("SYNTHETIC", "démo — not real")]);
    assert!(xml.contains(">S&#233;gou &lt;&amp;&gt;</Item>"), "{xml}");
    // Dataset-level items have no sample attribute.
    assert!(
        xml.contains("<Item name=\"SYNTHETIC\">d&#233;mo &#8212; not real</Item>"),
        "{xml}"
    );
    assert!(xml.is_ascii());
}

#[test]
fn writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("density_2024.tif");
    let g = grid(8, 6, 1.0);
    write_geotiff(&path, &[("2024", &g)], LCC, -9999.0, &[]).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        encode_geotiff(&[("2024", &g)], LCC, -9999.0, &[]).unwrap()
    );
}
