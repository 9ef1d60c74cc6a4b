use super::*;

const REPORT_LCC: &str =
    "+proj=lcc +lat_1=12 +lat_2=22 +lat_0=17 +lon_0=-4 +datum=WGS84 +units=m +type=crs";

/// (id, location, count, value) of every key.
fn entries(t: &GeoTags) -> Vec<[u16; 4]> {
    t.directory[4..]
        .chunks(4)
        .map(|c| [c[0], c[1], c[2], c[3]])
        .collect()
}

fn short(t: &GeoTags, id: u16) -> Option<u16> {
    entries(t)
        .into_iter()
        .find(|e| e[0] == id && e[1] == 0)
        .map(|e| e[3])
}

fn double(t: &GeoTags, id: u16) -> Option<f64> {
    entries(t)
        .into_iter()
        .find(|e| e[0] == id && e[1] == GEO_DOUBLE_PARAMS_TAG)
        .map(|e| t.doubles[e[3] as usize])
}

#[test]
fn epsg_projected_code() {
    let t = geo_tags("EPSG:32630").unwrap();
    assert_eq!(&t.directory[..4], &[1, 1, 0, 3]);
    assert_eq!(short(&t, GT_MODEL_TYPE), Some(1));
    assert_eq!(short(&t, GT_RASTER_TYPE), Some(1));
    assert_eq!(short(&t, PROJECTED_CS_TYPE), Some(32630));
    assert!(t.doubles.is_empty() && t.ascii.is_empty());
}

#[test]
fn report_lcc_is_user_defined_2sp() {
    let t = geo_tags(REPORT_LCC).unwrap();
    let ids: Vec<u16> = entries(&t).iter().map(|e| e[0]).collect();
    assert!(ids.is_sorted(), "{ids:?}");
    assert_eq!(t.directory[3] as usize, ids.len());
    assert_eq!(short(&t, PROJECTED_CS_TYPE), Some(32767));
    assert_eq!(short(&t, PROJECTION), Some(32767));
    assert_eq!(short(&t, PROJ_COORD_TRANS), Some(8));
    assert_eq!(short(&t, GEOGRAPHIC_TYPE), Some(4326));
    assert_eq!(short(&t, PROJ_LINEAR_UNITS), Some(9001));
    assert_eq!(double(&t, PROJ_STD_PARALLEL_1), Some(12.0));
    assert_eq!(double(&t, PROJ_STD_PARALLEL_2), Some(22.0));
    assert_eq!(double(&t, PROJ_FALSE_ORIGIN_LAT), Some(17.0));
    assert_eq!(double(&t, PROJ_FALSE_ORIGIN_LONG), Some(-4.0));
    assert_eq!(double(&t, PROJ_FALSE_ORIGIN_EASTING), Some(0.0));
    // The citation is an ASCII value ended by '|', its count including the '|'.
    let cit = entries(&t)
        .into_iter()
        .find(|e| e[0] == GT_CITATION)
        .unwrap();
    assert_eq!(cit[1], GEO_ASCII_PARAMS_TAG);
    let text = &t.ascii[cit[3] as usize..][..cit[2] as usize];
    assert!(text.starts_with("conflictmap: +proj=lcc") && text.ends_with('|'));
}

#[test]
fn albers_and_utm() {
    let t = geo_tags("+proj=aea +lat_1=10 +lat_2=20 +lat_0=15 +lon_0=-3 +x_0=1000 +datum=WGS84")
        .unwrap();
    assert_eq!(short(&t, PROJ_COORD_TRANS), Some(11));
    assert_eq!(double(&t, PROJ_NAT_ORIGIN_LAT), Some(15.0));
    assert_eq!(double(&t, PROJ_FALSE_EASTING), Some(1000.0));

    let t = geo_tags("+proj=utm +zone=30 +south +datum=WGS84 +units=m +no_defs").unwrap();
    assert_eq!(short(&t, PROJ_COORD_TRANS), Some(1));
    assert_eq!(double(&t, PROJ_NAT_ORIGIN_LONG), Some(-3.0));
    assert_eq!(double(&t, PROJ_SCALE_AT_NAT_ORIGIN), Some(0.9996));
    assert_eq!(double(&t, PROJ_FALSE_NORTHING), Some(10_000_000.0));
}

#[test]
fn unsupported_crs_is_a_usage_error_naming_it() {
    for crs in [
        "+proj=tmerc +lat_0=0 +lon_0=-4 +datum=WGS84 +units=m",
        "+proj=merc +lat_0=5 +lat_ts=5 +k_0=1 +datum=WGS84",
        "+proj=lcc +lat_1=12 +lat_2=22 +ellps=clrk80 +units=m",
        "+proj=lcc +lat_1=12 +lat_2=22 +datum=WGS84 +units=us-ft",
        "+proj=lcc +lat_1=12 +lat_2=22 +datum=WGS84 +k_0=0.99",
        "+proj=utm +zone=61 +datum=WGS84",
        "ESRI:102022",
        "EPSG:4326",
    ] {
        match geo_tags(crs) {
            Err(Error::Usage(msg)) => assert!(msg.contains(crs), "{msg}"),
            other => panic!("{crs}: {other:?}"),
        }
    }
}

#[test]
fn mercator_of_an_equatorial_country() {
    let crs = crate::analysis::projection::default_crs_for([8.0, -4.0, 19.0, 4.0]);
    assert!(crs.starts_with("+proj=merc"), "{crs}");
    let t = geo_tags(&crs).unwrap();
    assert_eq!(short(&t, PROJ_COORD_TRANS), Some(7));
    assert!(double(&t, PROJ_STD_PARALLEL_1).unwrap() > 2.0);
    assert_eq!(double(&t, PROJ_NAT_ORIGIN_LONG), Some(13.5));
}
